/**
 * Adopting a database drydock did not migrate: `drydock baseline --to VERSION` records every
 * migration up to VERSION as applied, and `drydock import-history --from TOOL` copies another
 * runner's applied versions. Nothing is executed; each recorded row carries the file's checksum so
 * a later edit of an adopted migration is caught like any other.
 */
import type { ClientBase } from 'pg';
import type { ParsedMigration } from '../engine/types';
import { DrydockError } from '../util/errors';
import { describeUrl } from '../util/secrets';
import { detectForeignTools, ForeignEntry, readForeignHistory } from './foreign-history';
import { countsAsApplied, insertHistory, latestByVersion, readHistory } from './history';
import { withDeployLock } from './session';
import type { AdoptionResult, BaselineOptions, ForeignTool, HistoryStatus, ImportOptions } from './types';
import { findMigration, migrationsUpTo } from './versions';

interface Adoptee {
  version: string;
  description: string;
  path: string | null;
  checksum: string | null;
  appliedAt: string | null;
  appliedBy: string;
}

export async function baseline(options: BaselineOptions): Promise<AdoptionResult> {
  const ups = options.migrations.filter((pm) => pm.migration.direction === 'up');
  if (!findMigration(ups, options.to)) {
    throw new DrydockError(`baseline version ${options.to} matches no migration file`, {
      fix: `pass one of the discovered versions (${ups.slice(-3).map((pm) => pm.migration.id).join(', ') || 'none found'})`,
    });
  }
  return withDeployLock(options, async ({ client, actor, deployId }) => {
    const adoptees = migrationsUpTo(ups, options.to).map((pm) => fromFile(pm, null, actor));
    return record(client, adoptees, 'baseline', 'baseline', deployId, `baseline to ${options.to} on ${describeUrl(options.databaseUrl)}`);
  });
}

export async function importHistory(options: ImportOptions): Promise<AdoptionResult> {
  return withDeployLock(options, async ({ client, actor, deployId }) => {
    const tool = options.from === 'auto' ? await detectOne(client) : options.from;
    const foreign = await readForeignHistory(client, tool, options.table);
    const ups = options.migrations.filter((pm) => pm.migration.direction !== 'down');
    const adoptees: Adoptee[] = [];
    const seen = new Set<string>();
    const add = (a: Adoptee) => {
      if (!seen.has(a.version)) adoptees.push(a);
      seen.add(a.version);
    };
    if (foreign.upTo !== null) {
      for (const pm of migrationsUpTo(ups, foreign.upTo)) add(fromFile(pm, null, actor));
    }
    for (const entry of foreign.applied) add(fromEntry(ups, entry, actor));
    return record(client, adoptees, 'imported', tool, deployId, `imported ${tool} history from ${foreign.table}`);
  });
}

async function detectOne(client: ClientBase): Promise<ForeignTool> {
  const tools = await detectForeignTools(client);
  if (tools.length === 1) return tools[0];
  throw new DrydockError(
    tools.length === 0 ? 'no other runner\'s history table found to import' : `several history tables found: ${tools.join(', ')}`,
    { fix: 'pass --from prisma|flyway|golang-migrate|dbmate|diesel (and --table for a renamed table)' },
  );
}

function fromFile(pm: ParsedMigration, entry: ForeignEntry | null, actor: string): Adoptee {
  return {
    version: pm.migration.id,
    description: pm.migration.description,
    path: pm.migration.path,
    checksum: pm.migration.checksum,
    appliedAt: entry?.appliedAt ?? null,
    appliedBy: entry?.appliedBy ?? actor,
  };
}

/** A recorded version with its file when one matches; versions without a file are kept, unchecked. */
function fromEntry(migrations: ParsedMigration[], entry: ForeignEntry, actor: string): Adoptee {
  const pm = findMigration(migrations, entry.version) ?? (entry.script ? findMigration(migrations, entry.script) : undefined);
  if (pm) return fromFile(pm, entry, actor);
  return { version: entry.version, description: '', path: null, checksum: null, appliedAt: entry.appliedAt, appliedBy: entry.appliedBy ?? actor };
}

async function record(
  client: ClientBase,
  adoptees: Adoptee[],
  status: HistoryStatus,
  source: string,
  deployId: string,
  title: string,
): Promise<AdoptionResult> {
  const existing = latestByVersion(await readHistory(client));
  const recorded: string[] = [];
  const skipped: string[] = [];
  await client.query('BEGIN');
  try {
    for (const a of adoptees) {
      const row = existing.get(a.version);
      if (row && countsAsApplied(row)) {
        skipped.push(a.version);
        continue;
      }
      await insertHistory(client, { ...a, status, source, deployId });
      recorded.push(a.version);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  const summary = [
    `${title}: ${recorded.length} version(s) recorded as applied, ${skipped.length} already in drydock's history`,
    ...(recorded.length ? [`  recorded: ${recorded.join(', ')}`] : []),
  ].join('\n');
  return { recorded, skipped, source, summary };
}
