/**
 * The CLI as a user runs it: the compiled bin (npm ci / pretest build lib/), real files, real exit codes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Report } from '../../src/report/types';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin', 'drydock.js');

function drydock(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempDir(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-cli-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('drydock CLI', () => {
  it('prints help and version', () => {
    const help = drydock(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('drydock <command>');
    expect(drydock(['check', '--help']).stdout).toContain('--base REF');
    expect(drydock(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command and an unknown option with exit 2 and no stack trace', () => {
    const unknown = drydock(['chek']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "chek"');
    const badOption = drydock(['check', '--frobnicate']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/Unknown option '--frobnicate'/);
    expect(badOption.stderr).not.toMatch(/\n\s+at /);
  });

  it('writes a JSON report of the examples in static mode', () => {
    const out = drydock(['check', 'examples/migrations', '--static', '--since', '2', '--format', 'json', '--fail-on', 'never']);
    expect(out.stderr).not.toMatch(/internal error/);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as Report;
    expect(report.sources).toEqual([{ dir: 'examples/migrations', layout: 'golang-migrate', migrations: 5 }]);
    expect(report.migrations.map((m) => [m.id, m.isNew])).toEqual([
      ['1', false],
      ['2', false],
      ['3', true],
      ['4', true],
      ['5', true],
    ]);
    const m3 = report.migrations[2];
    expect(m3.path).toBe('examples/migrations/3_add_order_status.up.sql');
    expect(m3.downPath).toBe('examples/migrations/3_add_order_status.down.sql');
    expect(m3.statements.map((s) => [s.line, s.column, s.kind])).toEqual([
      [2, 1, 'AlterTableStmt'],
      [4, 1, 'IndexStmt'],
      [6, 1, 'UpdateStmt'],
    ]);
    expect(m3.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(report.migrations[4].statements[0].nonTransactional).toBe(true);
  });

  it('points at path:line:column for SQL that does not parse, and exits 2', () => {
    const dir = tempDir({ '1_ok.sql': 'CREATE TABLE a (id int);\n', '2_bad.sql': 'CREATE TABLE b (id int);\nALTER TABEL b ADD c int;\n' });
    const out = drydock(['check', dir, '--static']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/2_bad\.sql:2:7: SQL does not parse: syntax error at or near "TABEL"/);
    expect(out.stderr).toContain('ALTER TABEL b ADD c int;');
  });

  it('rejects an unknown --layout, an empty folder and a bad --fail-on with exit 2', () => {
    const empty = tempDir({});
    expect(drydock(['check', empty, '--static']).code).toBe(2);
    const layout = drydock(['check', 'examples/migrations', '--layout', 'liquibase', '--static']);
    expect(layout.code).toBe(2);
    expect(layout.stderr).toContain('unknown layout "liquibase"');
    expect(drydock(['check', 'examples/migrations', '--static', '--fail-on', 'sometimes']).code).toBe(2);
    expect(drydock(['check', 'examples/migrations', '--static', '--since', '99']).stderr).toContain('--since 99');
  });

  it('takes --since as a Prisma migration\'s timestamp alone', () => {
    const dir = tempDir({
      'migrations/20240101000000_init/migration.sql': 'CREATE TABLE a (id int);\n',
      'migrations/20240102000000_add_b/migration.sql': 'CREATE TABLE b (id int);\n',
      'migrations/migration_lock.toml': 'provider = "postgresql"\n',
    });
    const out = drydock(['check', path.join(dir, 'migrations'), '--static', '--since', '20240101000000', '--format', 'json', '--fail-on', 'never']);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as Report;
    expect(report.migrations.map((m) => [m.id, m.isNew])).toEqual([
      ['20240101000000_init', false],
      ['20240102000000_add_b', true],
    ]);
  });
});
