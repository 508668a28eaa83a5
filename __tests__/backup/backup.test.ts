/**
 * pg_dump streamed to a real S3-protocol server (s3rver) from the machine's PostgreSQL 15, restored
 * back into new databases on the same server.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { backupDatabase, checkBackupPrerequisites, listBackups } from '../../src/deploy/backup';
import { restoreBackup } from '../../src/restore';
import { run as runCli } from '../../src/cli';
import { DrydockError } from '../../src/util/errors';
import { withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases, testServerUrl } from '../support/pg';
import { startTestS3, TestS3 } from '../support/s3';
import { objectBytes, rowCounts, s3Location, seedDatabase, sha256, testClient, withPassword } from './fixtures';

const PASSWORD = 'pw-must-not-leak-7Qz';
let s3: TestS3;
let client: S3Client;
let sourceUrl: string;
const restoredDatabases: string[] = [];

beforeAll(async () => {
  s3 = await startTestS3();
  client = testClient(s3);
  sourceUrl = withPassword(await createTestDatabase('15'), PASSWORD);
  await seedDatabase(sourceUrl);
});

afterAll(async () => {
  const admin = testServerUrl('15');
  for (const name of restoredDatabases) {
    await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
  await dropTestDatabases();
  client.destroy();
  await s3.stop();
});

function urlOf(database: string): string {
  const u = new URL(testServerUrl('15'));
  u.pathname = '/' + database;
  return u.toString();
}

async function databaseExists(name: string): Promise<boolean> {
  const { rows } = await withClient(testServerUrl('15'), (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]));
  return rows.length === 1;
}

describe('backupDatabase → restoreBackup', () => {
  it('streams a verified dump to S3 and restores it into a new database with the same rows', async () => {
    const record = await backupDatabase({ databaseUrl: sourceUrl, s3: s3Location(s3), version: '20240101_add_orders' });

    const database = new URL(sourceUrl).pathname.slice(1);
    expect(record.key).toMatch(new RegExp(`^drydock/${database}/\\d{8}T\\d{9}Z-20240101_add_orders\\.dump$`));
    expect(record.location).toBe(`s3://backups/${record.key}`);
    expect(record.serverVersion).toMatch(/^15\./);
    expect(record.pgDumpVersion).toMatch(/^15\./);
    expect(record.pitr.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(Date.now() - Date.parse(record.pitr.time)).toBeLessThan(60_000);

    const stored = await objectBytes(client, 'backups', record.key);
    expect(stored.subarray(0, 5).toString()).toBe('PGDMP');
    expect(stored.length).toBe(record.bytes);
    expect(sha256(stored)).toBe(record.sha256);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'backups', Key: record.key }));
    expect(head.Metadata?.sha256).toBe(record.sha256);
    expect(head.Metadata?.bytes).toBe(String(record.bytes));

    const result = await restoreBackup({ s3: s3Location(s3), backup: 'latest', targetUrl: sourceUrl });
    restoredDatabases.push(result.database);
    expect(result.database).toMatch(new RegExp(`^${database}_restore_\\d{8}T\\d{6}$`));
    expect(result.sha256).toBe(record.sha256);
    const expected = await rowCounts(sourceUrl);
    expect(expected).toEqual({ customers: 3000, notes: 1500, orders: 6000 });
    expect(await rowCounts(urlOf(result.database))).toEqual(expected);
  });

  it('dumps only the requested tables, with server-side encryption requested', async () => {
    const record = await backupDatabase({
      databaseUrl: sourceUrl,
      s3: { ...s3Location(s3, 'only-tables'), encryption: { type: 'AES256' } },
      tables: ['public.notes'],
    });
    const result = await restoreBackup({ s3: s3Location(s3, 'only-tables'), backup: record.location, targetUrl: sourceUrl, newDatabase: `${new URL(sourceUrl).pathname.slice(1)}_notes` });
    restoredDatabases.push(result.database);
    expect(await rowCounts(urlOf(result.database))).toEqual({ notes: 1500 });
  });

  it('uploads a dump larger than one part as a multipart object and restores it', async () => {
    const url = await createTestDatabase('15');
    // Random hex does not compress below ~50%: about 6.5 MiB of dump, two 5 MiB parts.
    await withClient(url, (c) =>
      c.query("CREATE TABLE blobs AS SELECT g AS id, (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 64) i) AS body FROM generate_series(1, 6000) g"),
    );
    const record = await backupDatabase({ databaseUrl: url, s3: s3Location(s3, 'multipart'), partSize: 5 * 1024 * 1024 });
    expect(record.bytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(sha256(await objectBytes(client, 'backups', record.key))).toBe(record.sha256);
    const result = await restoreBackup({ s3: s3Location(s3, 'multipart'), backup: record.location, targetUrl: url });
    restoredDatabases.push(result.database);
    expect(await rowCounts(urlOf(result.database))).toEqual({ blobs: 6000 });
  });

  it('fails the backup on a table that does not exist, before uploading anything', async () => {
    const location = s3Location(s3, 'typo');
    await expect(backupDatabase({ databaseUrl: sourceUrl, s3: location, tables: ['public.no_such_table'] })).rejects.toThrow(
      /pg_dump exited with code 1: .*no matching tables/,
    );
    expect(await listBackups({ s3: location, database: new URL(sourceUrl).pathname.slice(1) })).toEqual([]);
  });

  it('keeps the newest N backups and leaves other objects under the prefix alone', async () => {
    const location = s3Location(s3, 'retention');
    const database = new URL(sourceUrl).pathname.slice(1);
    await client.send(new PutObjectCommand({ Bucket: 'backups', Key: `retention/${database}/README.txt`, Body: 'not a backup' }));
    const made = [];
    for (const day of [1, 2, 3]) {
      made.push(await backupDatabase({ databaseUrl: sourceUrl, s3: location, retain: 2, verify: false, now: () => new Date(Date.UTC(2026, 0, day)) }));
    }
    expect(made[2].deleted).toEqual([made[0].key]);
    const listed = await listBackups({ s3: location, database });
    expect(listed.map((b) => b.key)).toEqual([made[2].key, made[1].key]);
    expect(listed[0].createdAt.toISOString()).toBe('2026-01-03T00:00:00.000Z');
    await expect(objectBytes(client, 'backups', `retention/${database}/README.txt`)).resolves.toEqual(Buffer.from('not a backup'));
  });

  it('rejects a tampered backup by its checksum and drops the new database', async () => {
    const location = s3Location(s3, 'tamper');
    const record = await backupDatabase({ databaseUrl: sourceUrl, s3: location });
    const original = await objectBytes(client, 'backups', record.key);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'backups', Key: record.key }));
    const tampered = Buffer.from(original);
    // Same size, same metadata: only the content hash can tell.
    tampered[tampered.length - 10] ^= 0xff;
    await client.send(new PutObjectCommand({ Bucket: 'backups', Key: record.key, Body: tampered, Metadata: head.Metadata }));

    const newDatabase = `${new URL(sourceUrl).pathname.slice(1)}_tampered`;
    const attempt = restoreBackup({ s3: location, backup: record.location, targetUrl: sourceUrl, newDatabase });
    await expect(attempt).rejects.toThrow(DrydockError);
    await expect(attempt).rejects.toThrow(/fails its checksum/);
    expect(await databaseExists(newDatabase)).toBe(false);
  });

  it('overwrites an existing database only when asked, naming what it replaces', async () => {
    const targetUrl = await createTestDatabase('15');
    const target = new URL(targetUrl).pathname.slice(1);
    await withClient(targetUrl, (c) => c.query('CREATE TABLE old_stuff AS SELECT g AS id FROM generate_series(1, 500) g; ANALYZE old_stuff'));
    const location = s3Location(s3, 'overwrite');
    await backupDatabase({ databaseUrl: sourceUrl, s3: location });
    const source = new URL(sourceUrl).pathname.slice(1);

    await expect(restoreBackup({ s3: location, backup: 'latest', database: source, targetUrl: sourceUrl, newDatabase: target })).rejects.toEqual(
      expect.objectContaining({ message: `database ${target} already exists`, fix: expect.stringMatching(/--overwrite/) }),
    );

    const lines: string[] = [];
    const result = await restoreBackup({ s3: location, backup: 'latest', database: source, targetUrl, overwrite: true }, (l) => lines.push(l));
    expect(result.database).toBe(target);
    expect(result.replaced).toEqual([{ table: 'public.old_stuff', rowEstimate: 500 }]);
    expect(lines.join('\n')).toMatch(/public\.old_stuff \(~500 rows\)/);
    expect(await rowCounts(targetUrl)).toEqual({ customers: 3000, notes: 1500, orders: 6000 });
  });
});

describe('drydock restore', () => {
  it('restores the latest backup with S3 credentials from the environment', async () => {
    const location = s3Location(s3, 'cli');
    await backupDatabase({ databaseUrl: sourceUrl, s3: location });
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = s3.clientConfig.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.clientConfig.credentials.secretAccessKey;
    const lines: string[] = [];
    try {
      const argv = ['restore', '--backup', 'latest', '--bucket', 'backups', '--prefix', 'cli', '--endpoint', s3.endpoint, '--force-path-style', '--target-url', sourceUrl];
      const io = { stdout: (t: string) => lines.push(t), stderr: (t: string) => lines.push(t), cwd: process.cwd(), env: process.env };
      expect(await runCli(argv, io)).toBe(0);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
    const database = /into database (\S+) in/.exec(lines.join('\n'))![1];
    restoredDatabases.push(database);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(await rowCounts(urlOf(database))).toEqual({ customers: 3000, notes: 1500, orders: 6000 });
  });
});

describe('pre-flight failures stop before anything changes', () => {
  it('refuses a pg_dump older than the server (embedded PostgreSQL 18)', async () => {
    const url = withPassword(await createTestDatabase(), PASSWORD);
    const error = await checkBackupPrerequisites({ databaseUrl: url, s3: s3Location(s3) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DrydockError);
    const text = (error as DrydockError).format();
    expect(text).toMatch(/pg_dump 15\.\d+ \(pg_dump\) is older than the server \(PostgreSQL 18\.\d+\)/);
    expect(text).toMatch(/fix: .*\/usr\/lib\/postgresql\/18\/bin/);
    expect(text).not.toContain(PASSWORD);
  });

  it('fails fast on an unreachable S3 endpoint', async () => {
    const closed = { ...s3Location(s3), endpoint: 'http://127.0.0.1:9' };
    const started = Date.now();
    const error = await backupDatabase({ databaseUrl: sourceUrl, s3: closed }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(DrydockError);
    expect((error as DrydockError).message).toMatch(/cannot reach the backup bucket: S3 endpoint unreachable for bucket backups at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
  });

  it('names a missing bucket, without printing the S3 secret or the database password', async () => {
    const error = await backupDatabase({ databaseUrl: sourceUrl, s3: { ...s3Location(s3), bucket: 'no-such-bucket' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DrydockError);
    const text = (error as DrydockError).format();
    expect(text).toMatch(/bucket no-such-bucket .* does not exist/);
    expect(text).not.toContain(s3.clientConfig.credentials.secretAccessKey);
    expect(text).not.toContain(PASSWORD);
  });

  it('gives pg_dump the password through the environment, never argv', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-pgdump-'));
    try {
      // A pass-through in front of the real pg_dump that records what it was given.
      const wrapper = path.join(dir, 'pg_dump');
      fs.writeFileSync(
        wrapper,
        `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/argv\nprintf '%s' "$PGPASSWORD" > ${dir}/env\nexec /usr/lib/postgresql/15/bin/pg_dump "$@"\n`,
        { mode: 0o755 },
      );
      fs.symlinkSync('/usr/lib/postgresql/15/bin/pg_restore', path.join(dir, 'pg_restore'));
      await backupDatabase({ databaseUrl: sourceUrl, s3: s3Location(s3, 'argv'), pgBinDir: dir });
      expect(fs.readFileSync(path.join(dir, 'argv'), 'utf8')).not.toContain(PASSWORD);
      expect(fs.readFileSync(path.join(dir, 'env'), 'utf8')).toBe(PASSWORD);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
