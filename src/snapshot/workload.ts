/**
 * Per-table read and write rates from two samples of pg_stat_user_tables taken an interval apart.
 * The counters are cumulative, so only their difference over the interval means anything.
 */
import type { Client } from 'pg';
import type { TableRates, WorkloadSample } from './types';

export interface CounterSample {
  name: string;
  scans: number;
  writes: number;
}

export async function sampleCounters(client: Client): Promise<CounterSample[]> {
  // Without clearing, a transaction could see the statistics it cached earlier.
  await client.query('SELECT pg_catalog.pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ name: string; scans: string; writes: string }>(
    `SELECT schemaname || '.' || relname AS name,
            coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans,
            n_tup_ins + n_tup_upd + n_tup_del AS writes
       FROM pg_catalog.pg_stat_user_tables`,
  );
  return rows.map((r) => ({ name: r.name, scans: Number(r.scans), writes: Number(r.writes) }));
}

/** Rates per second between two samples; tables missing from either sample are left out. */
export function workloadRates(first: CounterSample[], second: CounterSample[], intervalSeconds: number): WorkloadSample {
  const before = new Map(first.map((s) => [s.name, s]));
  const tables: TableRates[] = [];
  for (const after of second) {
    const start = before.get(after.name);
    if (!start) continue;
    // A statistics reset between the samples makes counters go down: treat that as no data.
    const scans = Math.max(0, after.scans - start.scans);
    const writes = Math.max(0, after.writes - start.writes);
    tables.push({
      name: after.name,
      readsPerSecond: round3(scans / intervalSeconds),
      writesPerSecond: round3(writes / intervalSeconds),
    });
  }
  return { intervalSeconds, tables };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
