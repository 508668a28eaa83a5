import { symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { discover } from '../../src/discover';
import type { LayoutName } from '../../src/report/types';
import { drydockError, makeTree, removeTrees } from './tree';

afterAll(removeTrees);

async function failure(files: Record<string, string | Buffer>, dirs = ['db'], layout?: LayoutName) {
  const cwd = makeTree(files);
  return drydockError(discover({ dirs, cwd, layout }));
}

describe('bad input is a DrydockError naming the path and what was expected', () => {
  it('rejects a file that is not UTF-8, with the byte offset, line and column', async () => {
    const latin1 = Buffer.concat([Buffer.from('SELECT 1;\nSELECT \''), Buffer.from([0x47, 0x72, 0xf6, 0xdf, 0x65]), Buffer.from("';\n")]);
    const error = await failure({ 'db/1_a.sql': latin1 });
    expect(error.message).toBe('file is not valid UTF-8 (invalid byte 0xf6 at byte offset 20)');
    expect(error.position).toEqual({ path: 'db/1_a.sql', line: 2, column: 11 });
    expect(error.fix).toContain('UTF-8');
  });

  it('rejects an unreadable file', async () => {
    const cwd = makeTree({ 'db/1_a.sql': 'SELECT 1;' });
    symlinkSync(path.join(cwd, 'nowhere.sql'), path.join(cwd, 'db/2_b.sql'));
    const error = await drydockError(discover({ dirs: ['db'], cwd }));
    expect(error.format()).toMatch(/^db\/2_b\.sql: cannot read migration file \(ENOENT\)/);
  });

  it('rejects an unknown layout name', async () => {
    const error = await failure({ 'db/1_a.sql': 'SELECT 1;' }, ['db'], 'liquibase' as LayoutName);
    expect(error.message).toBe('unknown layout "liquibase"');
    expect(error.fix).toContain('plain, prisma, flyway, golang-migrate, dbmate, diesel, sqitch, supabase');
  });

  it('rejects a folder in no known layout', async () => {
    const error = await failure({ 'db/notes.md': 'hello', 'db/seed/data.csv': 'a,b' });
    expect(error.format()).toMatch(/^db: no migration layout detected\nlooked for: sqitch\.plan/);
  });

  it('rejects a repository without any migration folder', async () => {
    const cwd = makeTree({ 'src/index.ts': 'export {};' });
    const error = await drydockError(discover({ dirs: [], cwd }));
    expect(error.message).toBe('no migration folder found below .');
  });

  it('rejects an empty migration folder', async () => {
    expect((await failure({ 'db/.keep': '' }, ['db'], 'plain')).format()).toMatch(/^db: no migrations found \(layout plain\)/);
    expect((await failure({ 'db/migration_lock.toml': 'provider = "postgresql"' })).format()).toMatch(/^db: no migrations found \(layout prisma\)/);
  });

  it('rejects a missing directory or a file given as directory', async () => {
    expect((await failure({ 'x.sql': '' }, ['db/migrations'])).format()).toMatch(/^db\/migrations: migration directory does not exist/);
    expect((await failure({ 'x.sql': '' }, ['x.sql'])).format()).toMatch(/^x\.sql: expected a migration directory, found a file/);
  });

  it('rejects a down script without its up migration', async () => {
    const golang = await failure({ 'db/1_a.up.sql': '', 'db/1_a.down.sql': '', 'db/2_b.down.sql': '' });
    expect(golang.format()).toMatch(/^db\/2_b\.down\.sql: down script without an up migration: expected 2_<title>\.up\.sql/);
    const flyway = await failure({ 'db/V1__a.sql': '', 'db/U2__b.sql': '' });
    expect(flyway.format()).toMatch(/^db\/U2__b\.sql: down script without an up migration: expected V2__<description>\.sql/);
    const diesel = await failure({ 'm/2024-01-01-000000_a/up.sql': '', 'm/2024-01-02-000000_b/down.sql': '' }, ['m'], 'diesel');
    expect(diesel.format()).toMatch(/^m\/2024-01-02-000000_b\/down\.sql: down script without an up migration: expected 2024-01-02-000000_b\/up\.sql/);
  });

  it('rejects duplicate versions, naming both files', async () => {
    const plain = await failure({ 'db/1_a.sql': '', 'db/001_b.sql': '' });
    expect(plain.message).toBe('duplicate migration version 1: db/001_b.sql and db/1_a.sql');
    const golang = await failure({ 'db/1_a.up.sql': '', 'db/01_b.up.sql': '' });
    expect(golang.message).toBe('duplicate migration version 1: db/01_b.up.sql and db/1_a.up.sql');
    const diesel = await failure({ 'm/2024-01-01-000000_a/up.sql': '', 'm/20240101000000_b/up.sql': '' }, ['m']);
    expect(diesel.message).toBe('duplicate migration version 20240101000000: m/2024-01-01-000000_a/up.sql and m/20240101000000_b/up.sql');
  });

  it('rejects files that do not follow the layout\'s naming', async () => {
    const error = await failure({ 'db/V1__a.sql': '', 'db/V2_b.sql': '' });
    expect(error.format()).toMatch(/^db\/V2_b\.sql: file name does not match the layout: expected V<version>__<description>\.sql/);
    const prisma = await failure({ 'db/migration_lock.toml': '', 'db/20240101_a/migration.sql': '', 'db/20240102_b/notes.md': '' });
    expect(prisma.format()).toMatch(/^db\/20240102_b: migration directory has no migration\.sql/);
  });

  it('rejects a dbmate file whose sections are malformed', async () => {
    const noUp = await failure({ 'db/1_a.sql': '-- migrate:up\nSELECT 1;', 'db/2_b.sql': 'SELECT 1;\n-- migrate:down\nSELECT 2;' });
    expect(noUp.format()).toMatch(/^db\/2_b\.sql:2: dbmate migration does not start with a "-- migrate:up" section/);
    const twoUps = await failure({ 'db/1_a.sql': '-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;' });
    expect(twoUps.position).toEqual({ path: 'db/1_a.sql', line: 3 });
    const before = await failure({ 'db/1_a.sql': 'SELECT 0;\n-- migrate:up\nSELECT 1;' }, ['db'], 'dbmate');
    expect(before.message).toContain('SQL before "-- migrate:up"');
  });

  it('rejects an unknown Flyway placeholder at its line and column', async () => {
    const error = await failure({ 'db/V1__a.sql': 'SELECT 1;\nGRANT ALL ON t TO ${app_role};\n' });
    expect(error.message).toBe('no value for Flyway placeholder ${app_role}');
    expect(error.position).toEqual({ path: 'db/V1__a.sql', line: 2, column: 19 });
    expect(error.fix).toContain('flyway.placeholders.app_role');
  });

  it('rejects a sqitch plan naming a change without its deploy script', async () => {
    const error = await failure({ 'db/sqitch.plan': '%project=x\n\nusers 2024-01-01T00:00:00Z A <a@b.c>\n' });
    expect(error.format()).toMatch(/^db\/sqitch\.plan:3: sqitch\.plan names change "users" but db\/deploy\/users\.sql does not exist/);
  });

  it('rejects invalid diesel metadata.toml', async () => {
    const error = await failure({ 'm/2024-01-01-000000_a/up.sql': '', 'm/2024-01-01-000000_a/metadata.toml': 'run_in_transaction = = false' }, ['m']);
    expect(error.format()).toMatch(/^m\/2024-01-01-000000_a\/metadata\.toml:1: metadata\.toml is not valid TOML/);
  });

  it('rejects --base outside a git repository', async () => {
    const cwd = makeTree({ 'db/1_a.sql': '' });
    const error = await drydockError(discover({ dirs: ['db'], cwd, base: 'main' }));
    expect(error.message).toBe(`--base main needs a git repository, but ${cwd} is not inside one`);
  });
});
