/**
 * Dry runs over the real-world corpora on the embedded server: every migration is traced (new),
 * with the down round trip where the layout has down scripts. supabase-postgres needs Supabase's
 * platform and must fail clearly at its first platform-dependent statement.
 */
import { dryRun } from '../../src/dryrun';
import type { ParsedMigration } from '../../src/engine/types';
import type { Statement } from '../../src/report/types';
import { DrydockError } from '../../src/util/errors';
import { corpusAvailable, LEMMY_SETUP_SQL, loadCorpus, markLastNew } from '../dryrun/corpus';
import { testServer } from '../dryrun/helpers';

jest.setTimeout(300_000);

const statements = (ms: ParsedMigration[]): Statement[] => ms.flatMap((m) => m.migration.statements);
const errors = (ms: ParsedMigration[]) => statements(ms).filter((s) => s.error);

function describeIf(name: string) {
  return corpusAvailable(name) ? describe : describe.skip;
}

describeIf('lemmy')('lemmy (diesel)', () => {
  test('replays the history and traces the newest migrations with their down round trips', async () => {
    const migrations = markLastNew(await loadCorpus('lemmy', 'migrations'), 30);
    const server = await testServer();
    try {
      const result = await dryRun(migrations, { server, setupSql: LEMMY_SETUP_SQL, cacheDir: null });
      expect(result.failed).toBeNull();
      const traced = migrations.slice(-30);
      expect(errors(traced)).toEqual([]);
      expect(statements(traced).filter((s) => !s.transactionControl).every((s) => s.durationMs !== null)).toBe(true);
      expect(statements(traced).some((s) => s.locks.some((l) => l.mode === 'AccessExclusiveLock'))).toBe(true);
      expect(traced.every((m) => m.migration.roundTrip)).toBe(true);
      // The report names whatever the round trips found; lemmy's down scripts mostly restore the schema.
      expect(traced.filter((m) => m.migration.roundTrip!.status === 'ok').length).toBeGreaterThan(15);
    } finally {
      await server.stop();
    }
  });

  test('without the diesel table, the failure names the file, line and the server message', async () => {
    const migrations = markLastNew(await loadCorpus('lemmy', 'migrations'), 1);
    const server = await testServer();
    try {
      const error = (await dryRun(migrations, { server, cacheDir: null }).catch((e: unknown) => e)) as DrydockError;
      expect(error).toBeInstanceOf(DrydockError);
      expect(error.position?.path).toBe('migrations/2025-08-01-000017_forbid_diesel_cli/up.sql');
      expect(error.format()).toContain('__diesel_schema_migrations');
    } finally {
      await server.stop();
    }
  });
});

describeIf('documenso')('documenso (prisma)', () => {
  test('traces every migration', async () => {
    const migrations = markLastNew(await loadCorpus('documenso', 'packages/prisma/migrations'), Infinity);
    const server = await testServer();
    try {
      const result = await dryRun(migrations, { server, cacheDir: null });
      expect(result.failed).toBeNull();
      expect(errors(migrations)).toEqual([]);
      expect(statements(migrations).some((s) => s.rewrites.length > 0)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describeIf('ente')('ente (golang-migrate)', () => {
  test('traces every migration, its own BEGIN/COMMIT files and CONCURRENTLY files', async () => {
    const migrations = markLastNew(await loadCorpus('ente', 'server/migrations'), Infinity);
    const server = await testServer();
    try {
      const result = await dryRun(migrations, { server, cacheDir: null });
      expect(result.failed).toBeNull();
      expect(errors(migrations)).toEqual([]);
      const concurrent = statements(migrations).filter((s) => s.nonTransactional);
      expect(concurrent.length).toBeGreaterThanOrEqual(3);
      for (const s of concurrent) expect(s.locks.some((l) => l.mode === 'ShareUpdateExclusiveLock')).toBe(true);
      const roundTrips = migrations.filter((m) => m.migration.roundTrip);
      expect(roundTrips.length).toBeGreaterThan(100);
      // Real defects in ente's down scripts, caught by the round trip:
      const v8 = migrations.find((m) => m.migration.id === '8')!.migration;
      expect(v8.roundTrip).toMatchObject({ status: 'differs', diff: expect.arrayContaining(['index public.otts_user_id_index: removed']) });
      expect(v8.findings).toContainEqual(expect.objectContaining({ rule: 'down-round-trip', severity: 'error' }));
      const v2 = migrations.find((m) => m.migration.id === '2')!.migration;
      expect(v2.roundTrip!.error).toMatch(/^down script failed: server\/migrations\/2_create_subscriptions\.down\.sql:\d+:1: index "subscriptions_user_id_index" does not exist/);
      const ownTransactions = migrations.filter((m) => m.parsed.statements.some((s) => s.transactionControl));
      expect(ownTransactions.length).toBeGreaterThanOrEqual(8);
      expect(ownTransactions.some((m) => m.migration.lockWindows!.some((w) => w.releasedAt !== null && w.releasedAt > w.acquiredAt))).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describeIf('marquez')('marquez (flyway)', () => {
  test('traces every migration, V47 CONCURRENTLY included', async () => {
    const migrations = markLastNew(await loadCorpus('marquez', 'api/src/main/resources/marquez/db/migration'), Infinity);
    const server = await testServer();
    try {
      const result = await dryRun(migrations, { server, cacheDir: null });
      expect(result.failed).toBeNull();
      expect(errors(migrations)).toEqual([]);
      const v47 = migrations.find((m) => m.migration.id === '47')!;
      expect(v47.migration.transactional).toBe(false);
      expect(v47.migration.statements.find((s) => s.nonTransactional)!.locks).toContainEqual(
        expect.objectContaining({ mode: 'ShareUpdateExclusiveLock', source: 'traced' }),
      );
    } finally {
      await server.stop();
    }
  });
});

describeIf('supabase-postgres')('supabase-postgres (dbmate)', () => {
  test("fails clearly at the first statement that needs Supabase's platform", async () => {
    const migrations = markLastNew(await loadCorpus('supabase-postgres', 'migrations/db'), 1);
    const server = await testServer();
    try {
      const error = (await dryRun(migrations, { server, cacheDir: null }).catch((e: unknown) => e)) as DrydockError;
      expect(error).toBeInstanceOf(DrydockError);
      expect(error.position).toEqual({ path: expect.stringMatching(/^migrations\/db\//), line: expect.any(Number), column: expect.any(Number) });
      expect(error.format()).toMatch(/failed in the dry-run database: .*(role|extension|schema)/);
      expect(error.format()).toContain('--setup-sql');
    } finally {
      await server.stop();
    }
  });
});
