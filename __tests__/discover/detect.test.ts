import { discover } from '../../src/discover';
import { makeTree, removeTrees } from './tree';

afterAll(removeTrees);

describe('layout detection', () => {
  it('finds every migration folder below the working directory, skipping dependencies and build output', async () => {
    const cwd = makeTree({
      'services/api/migrations/1_a.up.sql': 'SELECT 1;',
      'services/api/migrations/1_a.down.sql': 'SELECT -1;',
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"',
      'prisma/migrations/20240101000000_init/migration.sql': 'SELECT 1;',
      'node_modules/pkg/migrations/V1__x.sql': 'SELECT 1;',
      'dist/migrations/V1__x.sql': 'SELECT 1;',
      'lib/migrations/V1__x.sql': 'SELECT 1;',
      '.cache/migrations/V1__x.sql': 'SELECT 1;',
      'src/index.ts': 'export {};',
    });
    const result = await discover({ dirs: [], cwd });
    expect(result.sources.map((s) => [s.dir, s.layout, s.migrations.length])).toEqual([
      ['prisma/migrations', 'prisma', 1],
      ['services/api/migrations', 'golang-migrate', 1],
    ]);
    expect(result.migrations.map((m) => m.path)).toEqual([
      'prisma/migrations/20240101000000_init/migration.sql',
      'services/api/migrations/1_a.up.sql',
    ]);
  });

  it('detects each given directory on its own and keeps their order', async () => {
    const cwd = makeTree({
      'a/V1__x.sql': 'SELECT 1;',
      'b/sqitch.plan': 'x 2024-01-01T00:00:00Z A <a@b.c>\n',
      'b/deploy/x.sql': 'SELECT 1;',
    });
    const result = await discover({ dirs: ['b', 'a'], cwd });
    expect(result.sources.map((s) => [s.dir, s.layout])).toEqual([
      ['b', 'sqitch'],
      ['a', 'flyway'],
    ]);
  });

  it('splits a folder holding init scripts and dbmate migrations into two sources, init scripts first', async () => {
    const cwd = makeTree({
      'db/migrations/20240101000000_a.sql': '-- migrate:up\nSELECT 1;\n-- migrate:down\n',
      'db/init-scripts/00000000000000-initial-schema.sql': '-- migrate:up\nCREATE SCHEMA s;\n\n-- migrate:down\n',
      'db/init-scripts/00000000000001-auth.sql': '-- migrate:up\nCREATE SCHEMA auth;\n',
    });
    const result = await discover({ dirs: ['db'], cwd });
    expect(result.sources.map((s) => [s.dir, s.layout, s.migrations.length])).toEqual([
      ['db/init-scripts', 'plain', 2],
      ['db/migrations', 'dbmate', 1],
    ]);
    // psql runs an init script whole: the markers stay in its SQL as comments.
    expect(result.migrations[0]).toMatchObject({ id: '00000000000000', description: 'initial-schema', sqlStartLine: 1 });
    expect(result.migrations[0].sql).toContain('CREATE SCHEMA s;');
  });

  it('uses a forced layout instead of detecting one', async () => {
    const cwd = makeTree({ 'db/1_a.sql': '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n' });
    const detected = await discover({ dirs: ['db'], cwd });
    const forced = await discover({ dirs: ['db'], cwd, layout: 'plain' });
    expect(detected.sources[0].layout).toBe('dbmate');
    expect(detected.migrations[0].sql).toBe('SELECT 1;\n');
    expect(forced.sources[0].layout).toBe('plain');
    expect(forced.migrations[0].sql).toBe('-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n');
  });

  it('makes paths relative to the working directory outside git, with "/" separators', async () => {
    const cwd = makeTree({ 'deep/er/db/V1__x.sql': 'SELECT 1;' });
    const result = await discover({ dirs: ['deep/er/db'], cwd });
    expect(result.migrations[0].path).toBe('deep/er/db/V1__x.sql');
    expect(result.migrations[0].absPath).toBe(`${cwd}/deep/er/db/V1__x.sql`);
  });
});
