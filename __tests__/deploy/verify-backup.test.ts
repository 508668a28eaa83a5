/** After-apply verification (catalog drift, verify scripts) and the real S3 backup step before apply. */
import { deploy, s3BackupStep } from '../../src/deploy';
import { loadParser } from '../../src/parse/parser';
import { snapshotCatalog } from '../../src/schema';
import { withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases, testServerVersions } from '../support/pg';
import { startTestS3, TestS3 } from '../support/s3';
import { exampleMigrations, migration } from './helpers';

jest.setTimeout(60_000);
beforeAll(loadParser);
afterAll(dropTestDatabases);

test('reports catalog drift from the dry run\'s schema and fails the deploy', async () => {
  // The "dry run": the same migrations on an empty database, then its catalog.
  const shadow = await createTestDatabase();
  expect((await deploy({ databaseUrl: shadow, migrations: exampleMigrations(), backup: 'none' })).outcome).toBe('applied');
  const expectedCatalog = await withClient(shadow, (c) => snapshotCatalog(c));

  const clean = await createTestDatabase();
  const ok = await deploy({ databaseUrl: clean, migrations: exampleMigrations(), backup: 'none', verify: { expectedCatalog } });
  expect(ok.outcome).toBe('applied');
  expect(ok.verify).toMatchObject({ ok: true, drift: [] });

  const drifted = await createTestDatabase();
  await withClient(drifted, (c) => c.query('CREATE TABLE legacy_export (id int)'));
  const result = await deploy({ databaseUrl: drifted, migrations: exampleMigrations(), backup: 'none', verify: { expectedCatalog } });
  expect(result.outcome).toBe('verify-failed');
  expect(result.exitCode).toBe(1);
  expect(result.verify?.drift).toEqual(['table public.legacy_export: added']);
  expect(result.summary).toContain('verify: FAIL');
  expect(result.summary).toContain('table public.legacy_export: added');
});

test('a failing verify script fails the deploy and names the script line', async () => {
  const url = await createTestDatabase();
  const migrations = [
    migration({ id: '001', description: 'people', sql: 'CREATE TABLE people (id int);', verify: 'BEGIN;\nSELECT name FROM people WHERE false;\nROLLBACK;' }),
  ];
  const result = await deploy({ databaseUrl: url, migrations, backup: 'none', verify: {} });
  expect(result.outcome).toBe('verify-failed');
  expect(result.verify?.scripts[0]).toMatchObject({ status: 'fail', error: expect.stringMatching(/001_people\.verify\.sql:2: column "name" does not exist/) });
});

describe('S3 backup step (src/deploy/backup)', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  // pg_dump on PATH is 15: back up the PostgreSQL 15 test server.
  const run = testServerVersions().includes('15') ? test : test.skip;
  run('backs up to S3 and verifies before applying; the history rows carry the location and PITR marker', async () => {
    const url = await createTestDatabase('15');
    const backup = s3BackupStep({ s3: { bucket: s3.bucket, prefix: 'deploys', ...s3.clientConfig } });
    const result = await deploy({ databaseUrl: url, migrations: exampleMigrations(), backup });
    expect(result.outcome).toBe('applied');
    expect(result.backup?.location).toMatch(/^s3:\/\/backups\/deploys\//);
    expect(result.backup?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.pitr).toEqual(result.backup?.pitr);
    expect(result.summary).toContain(`backup: ${result.backup?.location}`);
    const rows = await withClient(url, (c) => c.query('SELECT DISTINCT backup_location, pitr_lsn::text AS lsn FROM drydock.migration_history'));
    expect(rows.rows).toEqual([{ backup_location: result.backup?.location, lsn: result.pitr?.lsn }]);
  });
});
