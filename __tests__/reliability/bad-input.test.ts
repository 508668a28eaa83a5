/**
 * Bad input: well over a thousand generated cases — truncated and fuzzed SQL, invalid UTF-8, deep
 * nesting, a 50 MB file, files no layout accepts, conflicting versions, bad configuration, bad
 * options and wrong URLs. Each must be a DrydockError (exit code 2) with a clear message and, when
 * it comes from a file, path:line pointing into that file — never a crash, a hang or a stack
 * trace. The bulk runs in-process through the library; a sample runs through the real CLI binary;
 * deploys with bad input are shown to leave the target database unchanged. Generation is seeded.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deploy } from '../../src/deploy';
import { runCheck } from '../../src/engine/check';
import { loadMigrations } from '../../src/engine/load';
import { loadParser } from '../../src/parse/parser';
import { DrydockError, EXIT_USAGE, formatPosition } from '../../src/util/errors';
import { withClient } from '../../src/util/pg';
import { migrationProject, userSchemaSnapshot, type MigrationProject } from '../support/fault-deploy';
import { createPrng, seedFromEnv, type Prng } from '../support/fault-prng';
import { createTestDatabase, dropTestDatabases } from '../support/pg';

const SEED = seedFromEnv(424242);
const ROOT = path.resolve(__dirname, '../..');
const FILE = 'db/migrations/001_change.sql';

jest.setTimeout(240_000);
beforeAll(loadParser);
afterAll(dropTestDatabases);

/** Valid migrations to damage: the examples plus a few shapes the parser must handle. */
function seedSql(): string[] {
  const dir = path.join(ROOT, 'examples', 'migrations');
  const examples = fs.readdirSync(dir).filter((f) => f.endsWith('.up.sql')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  return [
    ...examples,
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$fn$;\n",
    "INSERT INTO settings (key, value) VALUES ('a', 'it''s'), ('b', E'line\\nbreak');\n-- trailing comment\n",
    'CREATE TABLE t (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  payload jsonb NOT NULL DEFAULT \'{}\'::jsonb,\n  CHECK (jsonb_typeof(payload) = \'object\')\n);\n',
  ];
}

interface Outcome {
  kind: 'ok' | 'error';
  error?: DrydockError;
}

/** Every failure must be a DrydockError with exit code 2; anything else is a crash. */
async function outcomeOf(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    await fn();
    return { kind: 'ok' };
  } catch (error) {
    if (!(error instanceof DrydockError)) throw new Error(`not a DrydockError: ${(error as Error)?.stack ?? String(error)}`);
    return { kind: 'error', error };
  }
}

/** A clear file error: path:line inside the file, a message, no stack in the text shown to users. */
function expectFileError(error: DrydockError, expectedPath: string, lineCount: number, label: string): void {
  const shown = error.format();
  expect({ label, exit: error.exitCode, path: error.position?.path }).toEqual({ label, exit: EXIT_USAGE, path: expectedPath });
  const line = error.position?.line ?? 0;
  expect({ label, lineInFile: line >= 1 && line <= Math.max(1, lineCount) }).toEqual({ label, lineInFile: true });
  expect(shown.startsWith(`${formatPosition({ path: expectedPath, line })}`)).toBe(true);
  expect(shown).not.toMatch(/^\s+at /m);
  expect(error.message.length).toBeGreaterThan(5);
}

const FUZZ_TOKENS = ['(', ')', "'", '"', '$$', '$fn$', ';', ',', '/*', '*/', '--', 'SELECT', 'FROM', 'CREATE TABLE', 'ALTER', '::', '[', '\\', 'E\'', 'U&"', '\u0000', '\t', '€', '😀'];

function fuzz(sql: string, prng: Prng): string {
  let out = sql;
  const edits = prng.int(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = prng.int(0, out.length);
    switch (prng.int(0, 3)) {
      case 0:
        out = out.slice(0, at) + prng.pick(FUZZ_TOKENS) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + prng.int(1, 12));
        break;
      case 2:
        out = out.slice(0, at) + out.slice(prng.int(0, out.length)).slice(0, 40) + out.slice(at);
        break;
      default:
        out = out.slice(0, at) + String.fromCharCode(prng.int(33, 126)) + out.slice(at + 1);
    }
  }
  return out;
}

const INVALID_UTF8: number[][] = [[0xff], [0xc3, 0x28], [0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xfe, 0xfe]];

const tally: Record<string, { cases: number; errors: number }> = {};
function count(category: string, outcome: Outcome): void {
  tally[category] ??= { cases: 0, errors: 0 };
  tally[category].cases++;
  if (outcome.kind === 'error') tally[category].errors++;
}

describe('library, in-process', () => {
  let project: MigrationProject;
  beforeAll(() => {
    project = migrationProject({});
  });
  afterAll(() => project.remove());
  const load = () => loadMigrations({ cwd: project.cwd, dirs: project.dirs, layout: 'plain' });

  test('truncated, fuzzed and non-UTF-8 SQL: ok, or DrydockError at path:line inside the file', async () => {
    const prng = createPrng(SEED);
    const seeds = seedSql();
    for (let i = 0; i < 500; i++) {
      const sql = prng.pick(seeds);
      // Cut anywhere but keep at least one character.
      const text = sql.slice(0, prng.int(1, sql.length - 1));
      project.write('001_change.sql', text);
      const outcome = await outcomeOf(load);
      count('truncated SQL', outcome);
      if (outcome.error) expectFileError(outcome.error, FILE, text.split('\n').length, `truncated #${i} (seed ${SEED})`);
    }
    for (let i = 0; i < 700; i++) {
      const text = fuzz(prng.pick(seeds), prng);
      project.write('001_change.sql', text);
      const outcome = await outcomeOf(load);
      count('fuzzed SQL', outcome);
      if (outcome.error) expectFileError(outcome.error, FILE, text.split('\n').length, `fuzzed #${i} (seed ${SEED})`);
    }
    for (let i = 0; i < 120; i++) {
      const text = Buffer.from(prng.pick(seeds), 'utf8');
      // Insert at a line start so the expected line is known exactly.
      const lineStarts = [0, ...[...text.keys()].filter((k) => text[k] === 0x0a).map((k) => k + 1)].filter((k) => k < text.length);
      const at = prng.pick(lineStarts);
      const bad = Buffer.concat([text.subarray(0, at), Buffer.from(prng.pick(INVALID_UTF8)), text.subarray(at)]);
      project.write('001_change.sql', bad);
      const outcome = await outcomeOf(load);
      count('invalid UTF-8', outcome);
      expect(outcome.kind).toBe('error');
      const expectedLine = text.subarray(0, at).filter((b) => b === 0x0a).length + 1;
      expectFileError(outcome.error!, FILE, expectedLine, `utf8 #${i}`);
      expect(outcome.error!.position?.line).toBe(expectedLine);
      expect(outcome.error!.message).toMatch(/not valid UTF-8/);
    }
  });

  test('deep nesting: no stack overflow, a clear error or a parse', async () => {
    for (const depth of [100, 1_000, 5_000, 20_000, 100_000]) {
      for (const [name, make] of [
        ['parens', (d: number) => `SELECT ${'('.repeat(d)}1${')'.repeat(d)};\n`],
        ['unclosed parens', (d: number) => `SELECT ${'('.repeat(d)}1;\n`],
        ['case', (d: number) => `SELECT ${'CASE WHEN true THEN '.repeat(d)}1${' END'.repeat(d)};\n`],
        ['subselects', (d: number) => `SELECT ${'(SELECT '.repeat(d)}1${')'.repeat(d)};\n`],
        ['arrays', (d: number) => `SELECT ${'ARRAY['.repeat(d)}1${']'.repeat(d)};\n`],
      ] as const) {
        const text = make(depth);
        project.write('001_change.sql', text);
        const outcome = await outcomeOf(load);
        count('deep nesting', outcome);
        if (name === 'unclosed parens') expect(outcome.kind).toBe('error');
        if (outcome.error) expectFileError(outcome.error, FILE, 2, `${name} depth ${depth}`);
      }
    }
  });

  test('a 50 MB migration file with an error near its end: the right line, in bounded time', async () => {
    const line = "INSERT INTO big (id, body) VALUES (1, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');\n";
    const lines = Math.ceil((50 * 1024 * 1024) / line.length);
    const text = line.repeat(lines) + 'INSERT INTO big VALUES (2, ;\n';
    project.write('001_change.sql', text);
    const started = Date.now();
    const outcome = await outcomeOf(load);
    const ms = Date.now() - started;
    count('50 MB file', outcome);
    console.log(`bad-input: 50 MB migration (${lines + 1} lines) → ${outcome.error ? outcome.error.format().split('\n')[0].slice(0, 160) : 'parsed'} in ${ms} ms`);
    expect(outcome.kind).toBe('error');
    expectFileError(outcome.error!, FILE, lines + 1, '50 MB');
    expect(outcome.error!.position?.line).toBe(lines + 1);
    expect(ms).toBeLessThan(60_000);
  });

  test('files no layout accepts, conflicting versions, unknown layouts', async () => {
    const cases: { label: string; files: Record<string, string>; layout?: string; expectPath: RegExp }[] = [];
    const sql = 'CREATE TABLE t (id int);\n';
    for (let n = 1; n <= 12; n++) {
      const v = String(n).padStart(n % 3 === 0 ? 4 : 1, '0');
      cases.push({ label: `plain duplicate ${n}`, files: { [`${v}_a.sql`]: sql, [`${n}_b.sql`]: sql }, layout: 'plain', expectPath: new RegExp(`db/migrations/0*${n}_[ab]\\.sql`) });
      cases.push({ label: `golang-migrate duplicate ${n}`, files: { [`${n}_a.up.sql`]: sql, [`${n}_a.down.sql`]: sql, [`${n}_b.up.sql`]: sql, [`${n}_b.down.sql`]: sql }, layout: 'golang-migrate', expectPath: /db\/migrations\/\d+_[ab]\.(up|down)\.sql/ });
      cases.push({ label: `flyway duplicate ${n}`, files: { [`V${n}__a.sql`]: sql, [`V${n}__b.sql`]: sql }, layout: 'flyway', expectPath: /db\/migrations\/V\d+__[ab]\.sql/ });
      cases.push({ label: `plain stray file ${n}`, files: { '1_ok.sql': sql, [`notes_${n}.sql`]: sql }, layout: 'plain', expectPath: new RegExp(`db/migrations/notes_${n}\\.sql`) });
    }
    for (const layout of ['nope', 'Flyway', 'rails', 'liquibase', '../plain', '']) {
      cases.push({ label: `unknown layout "${layout}"`, files: { '1_ok.sql': sql }, layout, expectPath: /.*/ });
    }
    for (const c of cases) {
      const p = migrationProject(c.files);
      try {
        const outcome = await outcomeOf(() => loadMigrations({ cwd: p.cwd, dirs: p.dirs, layout: c.layout as never }));
        count(c.label.startsWith('unknown layout') ? 'unknown layout' : c.label.replace(/ \d+$/, ''), outcome);
        expect({ label: c.label, kind: outcome.kind }).toEqual({ label: c.label, kind: 'error' });
        const e = outcome.error!;
        expect(e.exitCode).toBe(EXIT_USAGE);
        expect(e.format()).not.toMatch(/^\s+at /m);
        expect({ label: c.label, shown: c.expectPath.test(e.format()) }).toEqual({ label: c.label, shown: true });
        expect(e.fix ?? '').not.toBe('');
      } finally {
        p.remove();
      }
    }
  });

  test('bad configuration values: DrydockError naming the config file and the key', async () => {
    const prng = createPrng(SEED + 1);
    const bad: unknown[] = [
      { pgVersion: 9 }, { pgVersion: 19 }, { pgVersion: '15' }, { pgVersion: 15.5 }, { pgVersion: 'latest' },
      { failOn: 'fatal' }, { failOn: 1 }, { failOn: ['error'] },
      { rules: [] }, { rules: 'all' }, { rules: { 'no-such-rule': false } }, { rules: { 'prefer-identity': 'loud' } },
      { runnerTimeouts: [] }, { runnerTimeouts: { lockTimeout: 'soon' } }, { runnerTimeouts: { deadline: '5s' } },
      { setupSql: 42 }, { unknownKey: true }, [], 'text', 42, null,
    ];
    const texts = bad.map((b) => JSON.stringify(b));
    // Malformed JSON, cut at seeded points.
    const good = JSON.stringify({ pgVersion: 15, failOn: 'warning', rules: { 'prefer-identity': false } }, null, 2);
    for (let i = 0; i < 20; i++) texts.push(good.slice(0, prng.int(1, good.length - 1)));
    for (const [i, text] of texts.entries()) {
      const p = migrationProject({ '1_ok.sql': 'CREATE TABLE t (id int);\n' });
      fs.writeFileSync(path.join(p.cwd, 'drydock.config.json'), text);
      try {
        const outcome = await outcomeOf(() => runCheck({ cwd: p.cwd, dirs: p.dirs, mode: 'static', cacheDir: null }));
        count('bad config', outcome);
        expect({ i, text, kind: outcome.kind }).toEqual({ i, text, kind: 'error' });
        const e = outcome.error!;
        expect(e.exitCode).toBe(EXIT_USAGE);
        // The file is named (by its absolute path); value errors carry no line (docs: key named instead).
        expect(e.format()).toMatch(/^(\/[^:]*\/)?drydock\.config\.json(:\d+(:\d+)?)?: /);
        expect(e.format()).not.toMatch(/^\s+at /m);
        expect(e.fix ?? '').not.toBe('');
      } finally {
        p.remove();
      }
    }
  });

  test('wrong URLs and option values for deploy: DrydockError, exit 2, no credentials echoed, nothing applied', async () => {
    const url = await createTestDatabase();
    const before = await withClient(url, userSchemaSnapshot);
    const p = migrationProject({ '1_ok.sql': 'CREATE TABLE deployed_marker (id int);\n' });
    const secret = 'S3cr3t-URL-pw-91xq';
    try {
      const wrongUrls = [
        '',
        'not a url',
        `postgres://app:${secret}@127.0.0.1:1/db`,
        `postgres://app:${secret}@256.256.256.256:5432/db`,
        `postgres://app:${secret}@nonexistent.invalid:5432/db`,
      ];
      for (const databaseUrl of wrongUrls) {
        const outcome = await outcomeOf(() => deploy({ databaseUrl, cwd: p.cwd, dirs: p.dirs, backup: 'none', lockWaitLimit: '1s' }));
        count('wrong URL', outcome);
        expect({ databaseUrl, kind: outcome.kind }).toEqual({ databaseUrl, kind: 'error' });
        expect(outcome.error!.exitCode).toBe(EXIT_USAGE);
        expect(outcome.error!.format()).not.toContain(secret);
      }
      const badOptions: Record<string, unknown>[] = [
        { lockTimeout: 'soon' }, { lockTimeout: -1 }, { statementTimeout: '5 parsecs' }, { retries: -1 }, { retries: 1.5 },
        { retryDelay: 'x' }, { watchdogBound: {} }, { lockWaitLimit: 'forever' }, { backup: undefined }, { layout: 'nope' },
      ];
      for (const options of badOptions) {
        const outcome = await outcomeOf(() => deploy({ databaseUrl: url, cwd: p.cwd, dirs: p.dirs, backup: 'none', ...options } as never));
        count('bad deploy option', outcome);
        expect({ options, kind: outcome.kind }).toEqual({ options, kind: 'error' });
        expect(outcome.error!.exitCode).toBe(EXIT_USAGE);
      }
      // Bad migration files through deploy: refused before connecting, the target untouched.
      const prng = createPrng(SEED + 2);
      for (let i = 0; i < 25; i++) {
        const text = fuzz('CREATE TABLE deployed_marker (id int);\nALTER TABLE deployed_marker ADD COLUMN n int;\n', prng) + '\nSELECT (;\n';
        p.write('1_ok.sql', text);
        const outcome = await outcomeOf(() => deploy({ databaseUrl: url, cwd: p.cwd, dirs: p.dirs, backup: 'none' }));
        count('bad SQL through deploy', outcome);
        expect(outcome.kind).toBe('error');
        expectFileError(outcome.error!, 'db/migrations/1_ok.sql', text.split('\n').length, `deploy fuzz #${i}`);
      }
      expect(await withClient(url, userSchemaSnapshot)).toBe(before);
      expect(await withClient(url, async (c) => (await c.query("SELECT to_regnamespace('drydock') IS NULL AS untouched")).rows[0].untouched)).toBe(true);
    } finally {
      p.remove();
    }
  });

  test('the tally: at least 1,000 generated cases ended in a clear error', () => {
    const total = Object.values(tally).reduce((a, t) => ({ cases: a.cases + t.cases, errors: a.errors + t.errors }), { cases: 0, errors: 0 });
    const lines = Object.entries(tally).map(([k, t]) => `  ${k}: ${t.cases} cases, ${t.errors} DrydockErrors`);
    console.log(`bad-input (seed ${SEED}): ${total.cases} generated cases, ${total.errors} clear errors (path:line where from a file), 0 crashes\n${lines.join('\n')}`);
    expect(total.errors).toBeGreaterThanOrEqual(1000);
  });
});

describe('the real CLI binary, a sample', () => {
  const BIN = path.join(ROOT, 'bin', 'drydock.js');

  function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  test('bad migration files: exit 2, path:line on stderr, no stack trace', async () => {
    const prng = createPrng(SEED + 3);
    const seeds = seedSql();
    const samples: { name: string; content: Buffer | string }[] = [];
    for (let i = 0; i < 6; i++) samples.push({ name: `fuzz ${i}`, content: fuzz(prng.pick(seeds), prng) + '\nSELECT (;\n' });
    for (let i = 0; i < 3; i++) {
      const s = prng.pick(seeds);
      samples.push({ name: `truncated ${i}`, content: s.slice(0, prng.int(1, s.length - 1)) + '\nCREATE TABLE (\n' });
    }
    samples.push({ name: 'invalid UTF-8', content: Buffer.concat([Buffer.from('SELECT 1;\n-- caf'), Buffer.from([0xe9]), Buffer.from('\n')]) });
    samples.push({ name: 'deep nesting', content: `SELECT ${'('.repeat(50_000)}1;\n` });
    const results = await Promise.all(
      samples.map(async (s) => {
        const p = migrationProject({ '001_change.sql': s.content });
        try {
          return { ...s, run: await runCli(['check', 'db/migrations', '--static', '--no-cache'], p.cwd) };
        } finally {
          p.remove();
        }
      }),
    );
    for (const r of results) {
      expect({ name: r.name, code: r.run.code }).toEqual({ name: r.name, code: 2 });
      expect({ name: r.name, position: /db\/migrations\/001_change\.sql:\d+/.test(r.run.stderr) }).toEqual({ name: r.name, position: true });
      expect({ name: r.name, stack: /^\s+at /m.test(r.run.stderr + r.run.stdout) }).toEqual({ name: r.name, stack: false });
    }
  });

  test('bad options and configuration: exit 2, no stack trace', async () => {
    const p = migrationProject({ '001_ok.sql': 'CREATE TABLE t (id int);\n' });
    try {
      fs.writeFileSync(path.join(p.cwd, 'bad.json'), '{"pgVersion": 99}');
      const runs = await Promise.all(
        [
          ['check', 'db/migrations', '--layout', 'nope', '--static'],
          ['check', 'db/migrations', '--static', '--fail-on', 'loud'],
          ['check', 'db/migrations', '--static', '--format', 'yaml'],
          ['check', 'db/migrations', '--static', '--config', 'bad.json'],
          ['check', 'db/migrations', '--static', '--since', 'v999'],
          ['check', 'no/such/dir', '--static'],
          ['check', 'db/migrations', '--shadow-url', 'postgres://u:Pw-cli-xyz@127.0.0.1:1/db', '--no-cache'],
        ].map(async (args) => ({ args, run: await runCli(args, p.cwd) })),
      );
      for (const { args, run } of runs) {
        expect({ args, code: run.code }).toEqual({ args, code: 2 });
        expect({ args, stack: /^\s+at /m.test(run.stderr + run.stdout) }).toEqual({ args, stack: false });
        expect(run.stderr + run.stdout).not.toContain('Pw-cli-xyz');
      }
      expect(runs[3].run.stderr).toMatch(/bad\.json/);
    } finally {
      p.remove();
    }
  });
});
