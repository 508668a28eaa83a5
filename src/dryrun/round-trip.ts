/**
 * The down round trip of a new migration: with the catalog snapshot taken before its up script,
 * run down, compare, and run up again (the up script must work again after its down).
 */
import type { ClientBase } from 'pg';
import type { ParsedMigration } from '../engine/types';
import type { RoundTrip, ServerError } from '../report/types';
import { formatPosition } from '../util/errors';
import { CatalogSnapshot, diffCatalogs, snapshotCatalog } from '../schema';
import { replayScript } from './replay';
import { downScript, Script, upScript, wrapsInTransaction } from './script';

/** Differences listed in the finding's message; the full list is in roundTrip.diff. */
const MESSAGE_DIFF_LINES = 10;

export async function runRoundTrip(client: ClientBase, m: ParsedMigration, before: CatalogSnapshot): Promise<RoundTrip> {
  const down = downScript(m)!;
  const up = upScript(m);
  // When both scripts run inside one transaction, the whole round trip is rolled back afterwards:
  // whatever it finds, later migrations see exactly the state the traced up script left.
  const contained = wrapsInTransaction(down) && wrapsInTransaction(up);
  if (contained) await client.query('BEGIN');
  try {
    return await downThenUp(client, m, down, up, before, contained);
  } finally {
    if (contained) await client.query('ROLLBACK');
  }
}

async function downThenUp(
  client: ClientBase,
  m: ParsedMigration,
  down: Script,
  up: Script,
  before: CatalogSnapshot,
  nested: boolean,
): Promise<RoundTrip> {
  const downError = await replayScript(client, down, { nested });
  if (downError) {
    const error = `down script failed: ${describe(downError)}`;
    addFinding(m, `the down script fails after the up script: ${describe(downError)}`, down.path);
    return { status: 'failed', diff: [], error };
  }
  const diff = diffCatalogs(before, await snapshotCatalog(client));
  const upError = await replayScript(client, up, { nested });
  if (diff.length > 0) {
    const shown = diff.slice(0, MESSAGE_DIFF_LINES).map((l) => `  ${l}`);
    if (diff.length > MESSAGE_DIFF_LINES) shown.push(`  … ${diff.length - MESSAGE_DIFF_LINES} more`);
    addFinding(m, `the down script does not restore the schema the up script started from:\n${shown.join('\n')}`, down.path);
  }
  if (upError) {
    const error = `up script failed when run again after down: ${describe(upError)}`;
    addFinding(m, error, m.file.path);
    return { status: 'failed', diff, error };
  }
  return { status: diff.length > 0 ? 'differs' : 'ok', diff };
}

function describe(e: ServerError): string {
  return `${formatPosition(e)}: ${e.message}${e.detail ? ` (${e.detail})` : ''}`;
}

function addFinding(m: ParsedMigration, message: string, path: string): void {
  m.migration.findings.push({
    rule: 'down-round-trip',
    severity: 'error',
    message,
    suggestion: 'make the down script undo exactly what the up script does (up → down must give back the schema before up)',
    path,
    line: 1,
  });
}
