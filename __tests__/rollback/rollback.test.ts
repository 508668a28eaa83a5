/**
 * `drydock rollback` against a real PostgreSQL, after real deploys (src/deploy): back to the
 * pre-deploy catalog, from the stored script even after the file changed, irreversible steps
 * refused unless forced with a reason, previews that change nothing, the deploy lock honoured,
 * and the recovery plan of a deploy.
 */
import { Client } from 'pg';
import { deploy, DEPLOY_LOCK_KEY, status } from '../../src/deploy';
import type { DeployOptions } from '../../src/deploy';
import type { ParsedMigration } from '../../src/engine/types';
import { loadParser } from '../../src/parse/parser';
import { recoveryPlan, rollback } from '../../src/rollback';
import type { RollbackOptions } from '../../src/rollback';
import { CatalogSnapshot, diffCatalogs, snapshotCatalog } from '../../src/schema';
import { connect, withClient } from '../../src/util/pg';
import { migration } from '../deploy/helpers';
import { createTestDatabase, dropTestDatabases } from '../support/pg';

jest.setTimeout(60_000);
beforeAll(loadParser);
afterAll(dropTestDatabases);

const accounts = () =>
  migration({
    id: '001',
    description: 'create accounts',
    sql: "CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL, legacy text);\nINSERT INTO accounts SELECT g, 'u' || g, 'x' FROM generate_series(1, 100) g;\n",
    down: 'DROP TABLE accounts;',
  });
const plan = (down = 'ALTER TABLE accounts DROP COLUMN plan;') =>
  migration({ id: '002', description: 'add plan', sql: "ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';\n", down });
const planIndex = () =>
  migration({
    id: '003',
    description: 'index plan',
    sql: 'CREATE INDEX CONCURRENTLY accounts_plan_idx ON accounts (plan);\n',
    down: 'DROP INDEX CONCURRENTLY accounts_plan_idx;',
    transactional: false,
  });

async function deployed(url: string, migrations: ParsedMigration[], extra: Partial<DeployOptions> = {}) {
  const result = await deploy({ databaseUrl: url, migrations, actor: 'octocat', backup: 'none', ...extra });
  expect(result.outcome).toBe('applied');
  return result;
}

function rollbackOptions(url: string, extra: Partial<RollbackOptions>): RollbackOptions & { lines: string[] } {
  const lines: string[] = [];
  return { databaseUrl: url, actor: 'octocat', backup: 'none', retryDelay: 50, retryMaxDelay: 200, log: (l) => lines.push(l), lines, ...extra };
}

const catalog = (url: string): Promise<CatalogSnapshot> => withClient(url, (c) => snapshotCatalog(c));

async function latestStatus(url: string): Promise<Record<string, { status: string; error: string | null }>> {
  const rows = await withClient(url, async (c) => (await c.query('SELECT version, status, error FROM drydock.migration_history ORDER BY id')).rows);
  return Object.fromEntries(rows.map((r) => [r.version, { status: r.status, error: r.error }]));
}

test('rollback after a real deploy returns the schema to the pre-deploy catalog, and the next deploy re-applies', async () => {
  const url = await createTestDatabase();
  await deployed(url, [accounts()]);
  const beforeDeploy = await catalog(url);
  await deployed(url, [accounts(), plan(), planIndex()]);
  expect(diffCatalogs(beforeDeploy, await catalog(url))).not.toEqual([]);

  const options = rollbackOptions(url, { to: '001' });
  const result = await rollback(options);
  expect(result.outcome).toBe('rolled-back');
  expect(result.exitCode).toBe(0);
  expect(result.targets.map((t) => [t.version, t.status, t.scriptSource])).toEqual([
    ['003', 'rolled-back', 'stored'],
    ['002', 'rolled-back', 'stored'],
  ]);
  expect(diffCatalogs(beforeDeploy, await catalog(url))).toEqual([]);
  expect(await withClient(url, async (c) => (await c.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n)).toBe(100);
  expect(await latestStatus(url)).toMatchObject({ '001': { status: 'applied' }, '002': { status: 'rolled_back' }, '003': { status: 'rolled_back' } });
  expect(result.pitr?.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
  expect(result.changelog).toContain('Rolled back: `003`, `002`');

  const pending = await status({ databaseUrl: url, migrations: [accounts(), plan(), planIndex()] });
  expect(pending.pending.map((p) => p.version)).toEqual(['002', '003']);
  await deployed(url, [accounts(), plan(), planIndex()]);
});

test('rollback runs the script stored at apply time, not the file edited since', async () => {
  const url = await createTestDatabase();
  await deployed(url, [accounts()]);
  const beforeDeploy = await catalog(url);
  await deployed(url, [accounts(), plan()]);
  // The file's down script now would destroy the table; the stored one only drops the column.
  const edited = migration({ id: '002', description: 'add plan', sql: "ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'pro';\n", down: 'DROP TABLE accounts;' });

  const result = await rollback(rollbackOptions(url, { steps: 1, migrations: [accounts(), edited] }));
  expect(result.outcome).toBe('rolled-back');
  expect(result.targets[0]).toMatchObject({ version: '002', scriptSource: 'stored' });
  expect(result.targets[0].script).toContain('ALTER TABLE accounts DROP COLUMN plan;');
  expect(result.targets[0].script).not.toContain('DROP TABLE accounts');
  expect(diffCatalogs(beforeDeploy, await catalog(url))).toEqual([]);
});

test('irreversible steps are refused without --force; --force needs a reason and is recorded', async () => {
  const url = await createTestDatabase();
  await deployed(url, [accounts()]);
  const dropLegacy = migration({ id: '002', description: 'drop legacy', sql: 'ALTER TABLE accounts DROP COLUMN legacy;\nALTER TABLE accounts ADD COLUMN nickname text;\n' });
  await deployed(url, [accounts(), dropLegacy]);
  const afterDeploy = await catalog(url);

  const refused = await rollback(rollbackOptions(url, { steps: 1, migrations: [accounts(), dropLegacy] }));
  expect(refused.outcome).toBe('refused');
  expect(refused.exitCode).toBe(1);
  expect(refused.refusal).toMatch(/002 statement 1 \(line 1\): DROP COLUMN legacy destroys the column's data; restore from the backup/);
  expect(refused.refusal).toContain('--force --reason');
  expect(diffCatalogs(afterDeploy, await catalog(url))).toEqual([]);
  expect((await latestStatus(url))['002'].status).toBe('applied');

  await expect(rollback(rollbackOptions(url, { steps: 1, migrations: [accounts(), dropLegacy], force: true }))).rejects.toThrow(/--force needs --reason/);

  const forced = await rollback(rollbackOptions(url, { steps: 1, migrations: [accounts(), dropLegacy], force: true, reason: 'legacy was unused' }));
  expect(forced.outcome).toBe('rolled-back');
  expect(forced.targets[0].scriptSource).toBe('stored');
  const after = await catalog(url);
  expect(after.tables['public.accounts'].columns.nickname).toBeUndefined();
  expect(after.tables['public.accounts'].columns.legacy).toBeUndefined();
  expect(await latestStatus(url)).toMatchObject({ '002': { status: 'rolled_back', error: 'forced past irreversible steps: legacy was unused' } });
  expect(forced.changelog).toContain('Forced past irreversible steps (`002`): legacy was unused');
});

test('a migration without a stored script whose file changed is refused, pointing at restore', async () => {
  const url = await createTestDatabase();
  const noDown = migration({ id: '001', description: 'create t', sql: 'CREATE TABLE t (a int);\n' });
  await deployed(url, [noDown]);
  // As for a migration adopted from another runner's history: applied, but no script stored.
  await withClient(url, (c) => c.query('UPDATE drydock.migration_history SET rollback_script = NULL'));
  const changed = migration({ id: '001', description: 'create t', sql: 'CREATE TABLE t (a int, b int);\n' });
  const result = await rollback(rollbackOptions(url, { steps: 1, migrations: [changed], force: true, reason: 'try' }));
  expect(result.outcome).toBe('refused');
  expect(result.refusal).toMatch(/001: no rollback script was stored, and the file changed since it was applied.*drydock restore/);
});

test('--dry-run previews the scripts and changes nothing', async () => {
  const url = await createTestDatabase();
  await deployed(url, [accounts(), plan()]);
  const before = await catalog(url);
  const preview = await rollback(rollbackOptions(url, { steps: 1, dryRun: true, backup: undefined }));
  expect(preview.outcome).toBe('preview');
  expect(preview.summary).toContain('| ALTER TABLE accounts DROP COLUMN plan;');
  expect(diffCatalogs(before, await catalog(url))).toEqual([]);
  expect((await latestStatus(url))['002'].status).toBe('applied');
});

test('waits for the deploy lock and gives up at the limit', async () => {
  const url = await createTestDatabase();
  await deployed(url, [accounts(), plan()]);
  const holder: Client = await connect(url);
  try {
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [DEPLOY_LOCK_KEY]);
    const result = await rollback(rollbackOptions(url, { steps: 1, lockWaitLimit: 300 }));
    expect(result.outcome).toBe('lock-timeout');
    expect((await latestStatus(url))['002'].status).toBe('applied');
  } finally {
    await holder.end();
  }
});

test('recovery-plan prints the recorded target and the PITR steps', async () => {
  const url = await createTestDatabase();
  const { deployId, pitr } = await deployed(url, [accounts(), plan()], { deployId: 'run-4242' });
  const text = await recoveryPlan({ databaseUrl: url, deployId });
  expect(text).toContain(`LSN  ${pitr!.lsn}`);
  expect(text).toContain(`time ${pitr!.time}`);
  expect(text).toContain(`recovery_target_lsn = '${pitr!.lsn}'`);
  expect(text).toContain('recovery.signal');
  expect(text).toMatch(/aws rds restore-db-instance-to-point-in-time/);
  expect(text).not.toContain(new URL(url).password || '\u0000');
  await expect(recoveryPlan({ databaseUrl: url, deployId: 'nope' })).rejects.toThrow(/no deploy nope/);
});
