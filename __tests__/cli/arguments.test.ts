/**
 * Argument handling of every command, in-process: missing or conflicting options are exit-2 errors
 * that name the fix and never echo a password. (Commands that reach a server are tested with it in
 * their own suites.)
 */
import { run } from '../../src/cli';
import type { Io } from '../../src/cli/command';

const target = 'postgres://app:hunter2-secret@db.internal:5432/shop';

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), env };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

describe('command arguments', () => {
  it('lists every command in the help', async () => {
    const { stdout } = await cli(['--help']);
    for (const name of ['check', 'snapshot', 'deploy', 'status', 'rollback', 'recovery-plan', 'restore', 'baseline', 'import-history', 'resolve']) {
      expect(stdout).toContain(`  ${name} `);
    }
  });

  it.each([
    [['deploy', '--backup', 'none'], /drydock deploy needs --database-url or DRYDOCK_DATABASE_URL/],
    [['deploy', '--database-url', 'mysql://x@h/db', '--backup', 'none'], /not a postgres:\/\/ URL/],
    [['deploy', '--database-url', target], /needs --bucket \(or DRYDOCK_S3_BUCKET\)/],
    [['deploy', '--database-url', target, '--backup', 'tape'], /--backup must be pg-dump or none/],
    [['deploy', '--database-url', target, '--backup', 'none', '--lock-timeout', 'soon'], /--lock-timeout must be a duration/],
    [['rollback', '--database-url', target], /exactly one of --to VERSION and --steps N/],
    [['rollback', '--database-url', target, '--to', '3', '--steps', '1'], /exactly one of --to VERSION and --steps N/],
    [['resolve', '--database-url', target, '--version', '3'], /exactly one of --applied and --rolled-back/],
    [['baseline', '--database-url', target], /needs --to/],
    [['import-history', '--database-url', target, '--from', 'liquibase'], /--from must be one of/],
    [['recovery-plan', '--database-url', target], /needs --deploy/],
    [['snapshot', '--database-url', target], /needs --out/],
    [['snapshot', '--out', 's.json'], /needs --database-url/],
    [['restore', '--target-url', target], /needs --backup/],
    [['restore', '--backup', 'latest', '--target-url', target], /needs --bucket/],
    [['restore', '--backup', 'latest', '--bucket', 'b', '--target-url', target, '--overwrite', '--new-database', 'x'], /exclude each other/],
    [['restore', '--backup', 'https://x/y', '--target-url', target], /not an S3 object URL/],
    [['restore', '--backup', 'latest', '--target-url', target, '--bogus'], /Unknown option '--bogus'/],
  ])('drydock %j fails with exit 2', async (argv, message) => {
    const { code, stderr } = await cli(argv as string[]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message as RegExp);
    expect(stderr).toContain('fix:');
    expect(stderr).not.toContain('hunter2-secret');
  });

  it('takes the database URL from the environment', async () => {
    const { stderr } = await cli(['deploy', '--backup', 'tape'], { DRYDOCK_DATABASE_URL: target });
    expect(stderr).toMatch(/--backup must be pg-dump or none/);
  });
});
