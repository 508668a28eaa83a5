/** drydock.config.json / package.json "drydock": defaults, validation, clear errors. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_PG_VERSION, loadConfig } from '../../src/config';
import { DrydockError } from '../../src/util/errors';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-config-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

function errorOf(fn: () => unknown): DrydockError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DrydockError) return e;
    throw e;
  }
  throw new Error('expected a DrydockError');
}

describe('loadConfig', () => {
  it('uses documented defaults without a config file', () => {
    const config = loadConfig(dir);
    expect(config).toMatchObject({ pgVersion: DEFAULT_PG_VERSION, failOn: 'error', runnerTimeouts: { lockTimeout: null, statementTimeout: null }, source: 'defaults' });
    expect(config.rules['require-concurrent-index']).toEqual({ enabled: true, severity: 'error' });
  });

  it('reads drydock.config.json', () => {
    write('drydock.config.json', {
      pgVersion: 16,
      failOn: 'warning',
      rules: { 'prefer-identity': false, 'drop-column': 'error', 'rename-column': { severity: 'info' } },
      runnerTimeouts: { lockTimeout: '5s', statementTimeout: '0' },
      setupSql: 'db/setup.sql',
    });
    const config = loadConfig(dir);
    expect(config).toMatchObject({ pgVersion: 16, failOn: 'warning', setupSql: 'db/setup.sql', runnerTimeouts: { lockTimeout: '5s', statementTimeout: null } });
    expect(config.rules['prefer-identity'].enabled).toBe(false);
    expect(config.rules['drop-column']).toEqual({ enabled: true, severity: 'error', configured: true });
    expect(config.rules['rename-column']).toEqual({ enabled: true, severity: 'info', configured: true });
  });

  it('reads the "drydock" key of package.json, and an explicit path', () => {
    write('package.json', { name: 'app', drydock: { pgVersion: 13 } });
    expect(loadConfig(dir).pgVersion).toBe(13);
    write('custom.json', { pgVersion: 17 });
    expect(loadConfig(dir, 'custom.json').pgVersion).toBe(17);
  });

  it.each([
    [{ pgVersion: 9 }, '"pgVersion" is 9'],
    [{ pgVersion: '15' }, '"pgVersion" is "15"'],
    [{ failOn: 'fatal' }, '"failOn" is "fatal"'],
    [{ rules: { 'no-such-rule': true } }, '"rules.no-such-rule" names no drydock rule'],
    [{ rules: { 'drop-column': { severity: 'critical' } } }, '"rules.drop-column.severity" is "critical"'],
    [{ rules: { 'drop-column': { on: true } } }, '"rules.drop-column.on" is not a rule setting'],
    [{ runnerTimeouts: { lockTimeout: 'soon' } }, '"runnerTimeouts.lockTimeout" is "soon"'],
    [{ lintLevel: 'high' }, '"lintLevel" is not a drydock setting'],
  ])('rejects %j with a DrydockError naming file and key', (content, message) => {
    const file = write('drydock.config.json', content);
    const error = errorOf(() => loadConfig(dir));
    expect(error.message).toContain(message);
    expect(error.exitCode).toBe(2);
    expect(error.format()).toContain(file);
    expect(error.fix).toBeTruthy();
  });

  it('points at the line of a JSON syntax error', () => {
    write('drydock.config.json', '{\n  "pgVersion": 15,\n  "failOn": error\n}');
    const error = errorOf(() => loadConfig(dir));
    expect(error.position).toMatchObject({ path: path.join(dir, 'drydock.config.json'), line: 3 });
  });

  it('fails clearly for a missing explicit file or a package.json without the key', () => {
    expect(errorOf(() => loadConfig(dir, 'nope.json')).message).toContain('does not exist');
    write('package.json', { name: 'app' });
    expect(errorOf(() => loadConfig(dir, 'package.json')).message).toContain('has no "drydock" key');
  });
});
