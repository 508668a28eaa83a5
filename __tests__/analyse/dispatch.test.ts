/**
 * The analyser's shortcuts must not change a finding: rules run only on the statements their
 * triggers name (run-rules.ts), so calling every rule on every statement, in registry order, must
 * give exactly the findings the analyser recorded. Also the cheap pre-check of identifier-too-long
 * and the index registry against the straightforward forms they replaced.
 */
import { analyse, RULES } from '../../src/analyse';
import { IndexRegistry } from '../../src/analyse/index-registry';
import { LONG_RUN } from '../../src/analyse/rules/identifier-too-long';
import type { MigrationView, RuleHit, StatementView } from '../../src/analyse/rules/types';
import { triggeredStatements } from '../../src/analyse/run-rules';
import { SchemaState } from '../../src/analyse/schema';
import { modelTransactions, runnerTransaction } from '../../src/analyse/transactions';
import { resolveConfig } from '../../src/config';
import type { ParsedMigration } from '../../src/engine/types';
import { redact } from '../../src/util/secrets';
import { loadParser, migration, MigrationSpec } from './helpers';

const HISTORY = `CREATE TABLE users (id serial PRIMARY KEY, name varchar(20), email text, created timestamp, data json, code char(3), org_id int, age int);
CREATE TABLE orgs (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text);
ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);
CREATE INDEX users_name_idx ON users (name);
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE events (id bigint, kind text) PARTITION BY LIST (kind);
CREATE TABLE events_a PARTITION OF events FOR VALUES IN ('a');`;

/** Statements that make every rule fire somewhere, and many that make them stay quiet. */
const CHANGE: MigrationSpec[] = [
  {
    sql: `CREATE TABLE t (id serial PRIMARY KEY, v varchar(9), at timestamp, doc json, c char(2), ${'x'.repeat(70)} int);
ALTER TABLE users ADD COLUMN score int NOT NULL;
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid(); -- drydock:ignore column-default-rewrite -- backfilled by hand
ALTER TABLE users ALTER COLUMN name TYPE varchar(10), ADD COLUMN big bigserial;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users ADD CONSTRAINT age_chk CHECK (age > 0);
ALTER TABLE users ADD CONSTRAINT email_chk CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT email_chk;
ALTER TABLE users ADD CONSTRAINT org_fk2 FOREIGN KEY (org_id) REFERENCES orgs (id);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
UPDATE users SET name = 'x';
DELETE FROM orgs;
INSERT INTO orgs (title) SELECT name FROM users;
ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
ALTER TYPE mood ADD VALUE 'happy';
INSERT INTO users (name, code) VALUES ('happy', 'abc');
ALTER TABLE users RENAME COLUMN code TO code2;
CREATE INDEX users_email_idx ON users (email);
DROP INDEX users_name_idx;
REINDEX TABLE users;
VACUUM FULL users;
CLUSTER users USING users_pkey;
ALTER TABLE events DETACH PARTITION events_a;
ALTER TABLE users DROP COLUMN data;
DO $$ BEGIN PERFORM 1; END $$;
ALTER TABLE users RENAME TO people;
DROP TABLE orgs;`,
  },
  { sql: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE people ADD COLUMN x int;\nCOMMIT;\nCREATE INDEX CONCURRENTLY people_x ON people (x);\nBEGIN;\nBEGIN;\nCOMMIT;\nDROP DATABASE foo;", transactional: false, layout: 'golang-migrate' },
  { sql: 'CREATE INDEX CONCURRENTLY people_age ON people (age);', transactional: true },
  { sql: 'DROP INDEX CONCURRENTLY people_x;\n', transactional: false, layout: 'golang-migrate' },
];

interface Captured {
  pm: ParsedMigration;
  views: StatementView[];
}

function analysed(pgVersion: number): Captured[] {
  const history = migration({ sql: HISTORY, isNew: false, id: 'h0' });
  const change = CHANGE.map((spec, i) => migration(spec, i + 1));
  const views = new Map<string, StatementView[]>();
  analyse([history, ...change], {
    pgVersion,
    config: resolveConfig({}, 'test'),
    onStatement: (m, s) => {
      if (!views.has(m.id)) views.set(m.id, []);
      views.get(m.id)!.push(s);
    },
  });
  return change.map((pm) => ({ pm, views: views.get(pm.migration.id) ?? [] }));
}

/** The rules' findings as the analyser recorded them, without the suppression step's own. */
function recorded(pm: ParsedMigration): string[] {
  const all = [
    ...pm.migration.findings.map((f) => ({ at: 'migration', f })),
    ...pm.migration.statements.flatMap((s) => s.findings.map((f) => ({ at: String(s.index), f }))),
  ];
  return all.filter(({ f }) => f.rule !== 'ignore-directive' && f.rule !== 'unused-ignore').map(({ at, f }) => `${at} ${f.rule}: ${f.message} | ${f.suggestion}`);
}

/** Every rule on every statement, in registry order: what the analyser must be equivalent to. */
function exhaustive(c: Captured, pgVersion: number): { expected: string[]; fired: Set<string> } {
  const { migration: m, parsed } = c.pm;
  const view: MigrationView = {
    migration: m,
    statements: c.views,
    transactions: modelTransactions(parsed.statements, runnerTransaction(m.layout, m.transactional)),
    pgVersion,
    schema: new SchemaState(),
  };
  const buckets = new Map<string, string[]>([['migration', []], ...m.statements.map((s) => [String(s.index), []] as [string, string[]])]);
  const fired = new Set<string>();
  const put = (rule: string, hit: RuleHit, index: number | null) => {
    const at = hit.statementIndex === undefined ? index : hit.statementIndex;
    // addFinding redacts what it records (a column named "token" reads like a secret).
    const suggestion = hit.suggestion === null ? null : redact(hit.suggestion);
    buckets.get(at === null ? 'migration' : String(at))!.push(`${at === null ? 'migration' : at} ${rule}: ${redact(hit.message)} | ${suggestion}`);
    fired.add(rule);
  };
  for (const rule of RULES) {
    if (rule.check) for (const s of c.views) for (const hit of rule.check(s, view)) put(rule.id, hit, s.index);
    if (rule.checkMigration) for (const hit of rule.checkMigration(view)) put(rule.id, hit, null);
  }
  return { expected: [...buckets.values()].flat(), fired };
}

beforeAll(loadParser);

describe('rule triggers', () => {
  it.each([11, 12, 15, 18])('skip no finding on PostgreSQL %i', (pgVersion) => {
    const fired = new Set<string>();
    for (const c of analysed(pgVersion)) {
      const { expected, fired: here } = exhaustive(c, pgVersion);
      here.forEach((r) => fired.add(r));
      expect(recorded(c.pm)).toEqual(expected);
    }
    // Not vacuous: every rule that declares triggers fired on this change.
    const triggered = RULES.filter((r) => r.triggers).map((r) => r.id);
    expect(triggered.filter((id) => !fired.has(id))).toEqual([]);
  });

  it('lists each statement once per rule, in statement order', () => {
    for (const c of analysed(15)) {
      const lists = triggeredStatements(c.views);
      RULES.forEach((rule, position) => {
        const indexes = lists[position].map((s) => s.index);
        expect(indexes).toEqual([...new Set(indexes)].sort((a, b) => a - b));
        if (!rule.triggers) expect(indexes).toEqual([]);
      });
    }
  });
});

describe('identifier-too-long pre-check', () => {
  /** The form it replaced: a run of 64 name characters anywhere, or 64 characters after a double quote. */
  const ORIGINAL = /[^\s"'(),;.]{64}|"[^"]{64}/;

  it('answers exactly like the original regex', () => {
    // Deterministic pseudo-random texts with runs around 64 characters and every kind of separator.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = ['a', 'bb', '_', 'é', '$', ' ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', '\u3000', '"', "'", '(', ')', ',', ';', '.', '='];
    let agree = 0;
    for (let i = 0; i < 3000; i++) {
      let text = '';
      const parts = Math.floor(next() * 12);
      for (let p = 0; p < parts; p++) {
        const piece = pieces[Math.floor(next() * pieces.length)];
        text += next() < 0.3 ? piece.repeat(55 + Math.floor(next() * 15)) : piece;
      }
      expect([text, LONG_RUN.test(text)]).toEqual([text, ORIGINAL.test(text)]);
      agree += ORIGINAL.test(text) ? 1 : 0;
    }
    expect(agree).toBeGreaterThan(100);
  });

  it('treats every whitespace code unit as the original did', () => {
    for (let c = 0; c < 0x10000; c++) {
      const text = `${'a'.repeat(40)}${String.fromCharCode(c)}${'a'.repeat(40)}`;
      if (LONG_RUN.test(text) !== ORIGINAL.test(text)) throw new Error(`differs at U+${c.toString(16)}`);
    }
  });
});

describe('IndexRegistry', () => {
  it('answers like a Map scanned in insertion order', () => {
    const registry = new IndexRegistry();
    const model = new Map<string, string>();
    let seed = 11;
    const pick = <T>(items: T[]): T => items[(seed = (seed * 1103515245 + 12345) % 2147483648) % items.length];
    const indexes = ['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8'];
    const tables = ['public.a', 'public.b', 'public.c'];
    for (let step = 0; step < 1500; step++) {
      const index = pick(indexes);
      if (pick([true, true, false])) {
        const table = pick(tables);
        registry.set(index, table);
        model.set(index, table);
      } else {
        registry.delete(index);
        model.delete(index);
      }
      expect(registry.get(index)).toBe(model.get(index));
      for (const table of tables) expect(registry.of(table)).toEqual([...model].filter(([, t]) => t === table).map(([i]) => i));
    }
  });
});
