/**
 * Progress lines: "[n/N] version description", elapsed time and an ETA. The ETA uses the dry run's
 * per-statement estimates (or traced durations) when the report has them, else the average time
 * of the migrations applied so far.
 */
import type { ParsedMigration } from '../engine/types';
import { formatMs } from '../util/format';

export class Progress {
  private readonly started = Date.now();
  private readonly expectedMs: (number | null)[];
  private readonly actualMs: number[] = [];

  constructor(
    private readonly migrations: ParsedMigration[],
    private readonly log: (line: string) => void,
  ) {
    this.expectedMs = migrations.map(expectedDuration);
  }

  starting(index: number): void {
    const m = this.migrations[index].migration;
    this.log(`${this.step(index)} ${m.id} ${m.description}: applying (elapsed ${formatMs(Date.now() - this.started)}, ETA ${this.eta(index)})`.replace(/ {2,}/g, ' '));
  }

  finished(index: number, durationMs: number, detail: string): void {
    this.actualMs[index] = durationMs;
    const m = this.migrations[index].migration;
    this.log(`${this.step(index)} ${m.id}: ${detail}`);
  }

  private step(index: number): string {
    return `[${index + 1}/${this.migrations.length}]`;
  }

  /** Time left for migrations index..N-1. */
  private eta(index: number): string {
    const remaining = this.expectedMs.slice(index);
    if (remaining.every((ms) => ms !== null)) return formatMs(remaining.reduce((a, b) => a + (b ?? 0), 0));
    const done = this.actualMs.filter((ms) => ms !== undefined);
    if (done.length === 0) return 'unknown';
    const average = done.reduce((a, b) => a + b, 0) / done.length;
    return `~${formatMs(average * remaining.length)}`;
  }
}

function expectedDuration(m: ParsedMigration): number | null {
  let total = 0;
  for (const s of m.migration.statements) {
    const ms = s.estimate?.ms ?? s.durationMs;
    if (ms === null || ms === undefined) return null;
    total += ms;
  }
  return total;
}
