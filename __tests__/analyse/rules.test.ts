/**
 * Every rule with a case that fires and a case that must stay quiet. History is applied first
 * (existing tables); `sql` is the new migration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../src/analyse';
import { STAGE_RULES } from '../../src/analyse/rules/stage-rules';
import { findings, loadParser, rulesHit, run } from './helpers';

const HISTORY = [
  `CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), name text, age int, org_id bigint, created timestamptz);
   CREATE TABLE orgs (id bigint PRIMARY KEY);
   CREATE INDEX users_email_idx ON users (email);
   CREATE TYPE mood AS ENUM ('ok', 'sad');
   CREATE TABLE events (id bigint, k int) PARTITION BY LIST (k);
   CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1);`,
];

interface RuleCase {
  rule: string;
  fires: string;
  quiet: string;
  /** Runner transaction for the firing case (default true); the quiet case uses quietTransactional if given. */
  transactional?: boolean;
  quietTransactional?: boolean;
  pgVersion?: number;
  quietPgVersion?: number;
}

const CASES: RuleCase[] = [
  { rule: 'require-concurrent-index', fires: 'CREATE INDEX users_name_idx ON users (name);', quiet: 'CREATE TABLE t (id int); CREATE INDEX t_id_idx ON t (id);' },
  { rule: 'require-concurrent-index-drop', fires: 'DROP INDEX users_email_idx;', quiet: 'DROP INDEX CONCURRENTLY users_email_idx;', transactional: false },
  { rule: 'require-concurrent-reindex', fires: 'REINDEX TABLE users;', quiet: 'REINDEX TABLE CONCURRENTLY users;', transactional: false },
  { rule: 'column-default-rewrite', fires: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();', quiet: "ALTER TABLE users ADD COLUMN status text DEFAULT 'new';" },
  { rule: 'unsafe-type-change', fires: 'ALTER TABLE users ALTER COLUMN age TYPE bigint;', quiet: 'ALTER TABLE users ALTER COLUMN email TYPE text;' },
  { rule: 'set-not-null-scan', fires: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;', quiet: 'ALTER TABLE users ALTER COLUMN id SET NOT NULL;' },
  { rule: 'add-required-column', fires: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;', quiet: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';" },
  { rule: 'constraint-missing-not-valid', fires: 'ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0);', quiet: 'ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0) NOT VALID;' },
  { rule: 'foreign-key-not-valid', fires: 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);', quiet: 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;' },
  { rule: 'unique-constraint-build', fires: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);', quiet: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;' },
  {
    rule: 'validate-in-same-transaction',
    fires: 'ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT age_pos;',
    quiet: 'ALTER TABLE users VALIDATE CONSTRAINT age_pos;',
  },
  { rule: 'rename-column', fires: 'ALTER TABLE users RENAME COLUMN name TO full_name;', quiet: 'CREATE TABLE t (a int); ALTER TABLE t RENAME COLUMN a TO b;' },
  { rule: 'rename-table', fires: 'ALTER TABLE users RENAME TO members;', quiet: 'CREATE TABLE t (a int); ALTER TABLE t RENAME TO t2;' },
  { rule: 'drop-column', fires: 'ALTER TABLE users DROP COLUMN age;', quiet: 'CREATE TABLE t (a int, b int); ALTER TABLE t DROP COLUMN b;' },
  { rule: 'drop-table', fires: 'DROP TABLE orgs;', quiet: 'CREATE TABLE t (a int); DROP TABLE t;' },
  { rule: 'enum-add-value-in-transaction', fires: "ALTER TYPE mood ADD VALUE 'happy';", quiet: "ALTER TYPE mood ADD VALUE 'happy';", pgVersion: 11, quietPgVersion: 12 },
  { rule: 'enum-rename-value', fires: "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';", quiet: "ALTER TYPE mood ADD VALUE 'blue';" },
  { rule: 'prefer-bigint-key', fires: 'CREATE TABLE t (id serial PRIMARY KEY);', quiet: 'CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n int);' },
  { rule: 'prefer-identity', fires: 'CREATE TABLE t (id bigserial PRIMARY KEY);', quiet: 'CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);' },
  { rule: 'prefer-text-over-varchar', fires: 'CREATE TABLE t (name varchar(40));', quiet: 'CREATE TABLE t (name text, other varchar);' },
  { rule: 'char-type', fires: 'CREATE TABLE t (code char(2));', quiet: 'CREATE TABLE t (code text);' },
  { rule: 'prefer-timestamptz', fires: 'CREATE TABLE t (at timestamp);', quiet: 'CREATE TABLE t (at timestamptz);' },
  { rule: 'prefer-jsonb', fires: 'CREATE TABLE t (doc json);', quiet: 'CREATE TABLE t (doc jsonb);' },
  { rule: 'require-lock-timeout', fires: 'ALTER TABLE users ADD COLUMN x int;', quiet: "SET lock_timeout = '2s'; ALTER TABLE users ADD COLUMN x int;" },
  {
    rule: 'require-statement-timeout',
    fires: 'ALTER TABLE users ALTER COLUMN age TYPE bigint;',
    quiet: "SET statement_timeout = '60s'; ALTER TABLE users ALTER COLUMN age TYPE bigint;",
  },
  { rule: 'concurrently-in-transaction', fires: 'CREATE INDEX CONCURRENTLY users_name_idx ON users (name);', quiet: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name);', quietTransactional: false },
  { rule: 'mixed-transaction', fires: 'ALTER TABLE users ADD COLUMN x int; CREATE INDEX CONCURRENTLY IF NOT EXISTS users_x_idx ON users (x);', quiet: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_x_idx ON users (name);', transactional: false },
  { rule: 'transaction-nesting', fires: 'BEGIN; ALTER TABLE users ADD COLUMN x int; COMMIT;', quiet: 'BEGIN; ALTER TABLE users ADD COLUMN x int; COMMIT;', quietTransactional: false },
  {
    rule: 'lock-held-during-slow-work',
    fires: "ALTER TABLE users ADD COLUMN x int; UPDATE users SET x = 1;",
    quiet: 'CREATE TABLE t (a int); CREATE INDEX t_a ON t (a); ALTER TABLE users ADD COLUMN x int;',
  },
  { rule: 'batched-backfill', fires: "UPDATE users SET name = '';", quiet: 'UPDATE users SET name = NULL WHERE id = 1;' },
  { rule: 'vacuum-full-cluster', fires: 'CLUSTER users USING users_pkey;', quiet: 'CREATE TABLE t (id int PRIMARY KEY); CLUSTER t USING t_pkey;' },
  { rule: 'require-concurrent-detach', fires: 'ALTER TABLE events DETACH PARTITION events_1;', quiet: 'ALTER TABLE events DETACH PARTITION events_1 CONCURRENTLY;', transactional: false },
  { rule: 'prefer-robust-statements', fires: 'CREATE INDEX CONCURRENTLY users_name_idx ON users (name);', quiet: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name);', transactional: false },
  { rule: 'identifier-too-long', fires: `CREATE TABLE t (${'c'.repeat(64)} int);`, quiet: `CREATE TABLE t (${'c'.repeat(63)} int);` },
  { rule: 'drop-database', fires: 'DROP DATABASE production;', quiet: 'DROP TABLE IF EXISTS nothing_here;', transactional: false },
  { rule: 'opaque-statement', fires: "DO $$ BEGIN EXECUTE 'ALTER TABLE users ADD COLUMN z int'; END $$;", quiet: 'SELECT 1;' },
  { rule: 'ignore-directive', fires: '-- drydock:ignore drop-column\nALTER TABLE users DROP COLUMN age;', quiet: '-- drydock:ignore drop-column -- column unused since v2\nALTER TABLE users DROP COLUMN age;' },
  { rule: 'unused-ignore', fires: '-- drydock:ignore drop-table -- not needed\nALTER TABLE users ADD COLUMN x int;', quiet: '-- drydock:ignore drop-table -- archived\nDROP TABLE orgs;' },
];

beforeAll(loadParser);

describe('every registered rule has a firing and a quiet case', () => {
  it('covers the registry', () => {
    // Stage rules are raised by the dry run, the estimator and data checks (tested there).
    const staticRules = RULES.filter((r) => !STAGE_RULES.includes(r));
    expect(CASES.map((c) => c.rule).sort()).toEqual(staticRules.map((r) => r.id).sort());
  });

  it.each(CASES.map((c) => [c.rule, c] as const))('%s', (rule, c) => {
    const fires = rulesHit(run({ history: HISTORY, pgVersion: c.pgVersion, migrations: [{ sql: c.fires, transactional: c.transactional }] }));
    expect(fires).toContain(rule);
    const quiet = rulesHit(
      run({ history: HISTORY, pgVersion: c.quietPgVersion ?? c.pgVersion, migrations: [{ sql: c.quiet, transactional: c.quietTransactional ?? c.transactional }] }),
    );
    expect(quiet).not.toContain(rule);
  });
});

describe('batched-backfill', () => {
  it('stays quiet on a whole-table UPDATE that drydock runs in batches', () => {
    const batched = "-- drydock:batch key=id size=5000 pause=50ms\nUPDATE users SET name = '';";
    expect(rulesHit(run({ history: HISTORY, migrations: [{ sql: batched, transactional: false }] }))).not.toContain('batched-backfill');
  });
});

describe('rename-column', () => {
  it('writes the expand-and-contract SQL with the column type the history gave it', () => {
    const suggestion = (sql: string) => findings(run({ history: HISTORY, migrations: [sql] })).find((f) => f.rule === 'rename-column')?.suggestion;
    expect(suggestion('ALTER TABLE users RENAME COLUMN email TO mail;')).toContain('ALTER TABLE users ADD COLUMN mail varchar(100);');
    expect(suggestion('ALTER TABLE users ALTER COLUMN age TYPE bigint;\nALTER TABLE users RENAME COLUMN age TO years;')).toContain('ADD COLUMN years int8;');
    expect(suggestion('ALTER TABLE users ALTER COLUMN name TYPE text[] USING ARRAY[name];\nALTER TABLE users RENAME COLUMN name TO names;')).toContain(
      'ADD COLUMN names text[];',
    );
    expect(suggestion('ALTER TABLE orgs RENAME COLUMN missing TO other;')).toContain('ADD COLUMN other <type>;');
  });
});

describe('safe alternatives use the statement\'s own types and constraint names', () => {
  const suggestion = (rule: string, sql: string) => findings(run({ history: HISTORY, migrations: [sql] })).find((f) => f.rule === rule)?.suggestion ?? '';

  it('writes the new column with the type the statement asked for', () => {
    expect(suggestion('unsafe-type-change', 'ALTER TABLE users ALTER COLUMN age TYPE numeric(10, 2);')).toContain('ALTER TABLE users ADD COLUMN age_new numeric(10, 2);');
    expect(suggestion('column-default-rewrite', 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();')).toContain('ALTER TABLE users ADD COLUMN token uuid;');
    expect(suggestion('add-required-column', 'ALTER TABLE users ADD COLUMN plan varchar(20) NOT NULL;')).toContain('ADD COLUMN plan varchar(20) NOT NULL DEFAULT <constant>;');
  });

  it('validates the constraint by the name it has, or by the name PostgreSQL gives it', () => {
    expect(suggestion('foreign-key-not-valid', 'ALTER TABLE users ADD FOREIGN KEY (org_id) REFERENCES orgs (id);')).toBe(
      'ALTER TABLE users ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\n' +
        '-- next migration (SHARE UPDATE EXCLUSIVE here, ROW SHARE on the parent):\nALTER TABLE users VALIDATE CONSTRAINT users_org_id_fkey;',
    );
    expect(suggestion('foreign-key-not-valid', 'ALTER TABLE users ADD CONSTRAINT users_org FOREIGN KEY (org_id) REFERENCES orgs (id);')).toContain('VALIDATE CONSTRAINT users_org;');
    expect(suggestion('constraint-missing-not-valid', 'ALTER TABLE users ADD CHECK (age > 0);')).toBe(
      'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age > 0) NOT VALID;\n' +
        '-- next migration (SHARE UPDATE EXCLUSIVE, reads and writes continue):\nALTER TABLE users VALIDATE CONSTRAINT users_age_check;',
    );
    expect(suggestion('constraint-missing-not-valid', 'ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0);')).toContain('VALIDATE CONSTRAINT age_positive;');
    // PostgreSQL's choices: all foreign-key columns; a column only when the CHECK reads exactly one.
    expect(suggestion('foreign-key-not-valid', 'ALTER TABLE users ADD FOREIGN KEY (org_id, id) REFERENCES orgs (id, id);')).toContain('VALIDATE CONSTRAINT users_org_id_id_fkey;');
    expect(suggestion('constraint-missing-not-valid', 'ALTER TABLE users ADD CHECK (age > 0 AND org_id > 0);')).toContain('VALIDATE CONSTRAINT users_check;');
  });

  it('keeps what the foreign key said beyond its columns: referenced columns, MATCH, actions, deferral', () => {
    expect(
      suggestion(
        'foreign-key-not-valid',
        'ALTER TABLE users ADD CONSTRAINT users_org FOREIGN KEY (org_id) REFERENCES public.orgs (id) MATCH FULL ON DELETE SET NULL (org_id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED;',
      ),
    ).toContain(
      'ALTER TABLE users ADD CONSTRAINT users_org FOREIGN KEY (org_id) REFERENCES orgs (id) MATCH FULL ON DELETE SET NULL (org_id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID;',
    );
  });

  it('builds a unique index under the constraint\'s own name, with its INCLUDE, NULLS NOT DISTINCT and deferral', () => {
    expect(suggestion('unique-constraint-build', 'ALTER TABLE users ADD CONSTRAINT uq_email UNIQUE NULLS NOT DISTINCT (email) INCLUDE (name) DEFERRABLE;')).toBe(
      '-- migration 1, outside a transaction:\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_email ON users (email) INCLUDE (name) NULLS NOT DISTINCT;\n' +
        '-- migration 2 (brief ACCESS EXCLUSIVE):\nALTER TABLE users ADD CONSTRAINT uq_email UNIQUE USING INDEX uq_email DEFERRABLE;',
    );
    expect(suggestion('unique-constraint-build', 'ALTER TABLE orgs DROP CONSTRAINT orgs_pkey, ADD PRIMARY KEY (id);')).toContain('USING INDEX orgs_pkey;');
  });

  it('names a column-level constraint as PostgreSQL does (the catalog effect carries the name)', () => {
    expect(suggestion('unique-constraint-build', 'ALTER TABLE users ADD COLUMN code text UNIQUE;')).toContain('ADD CONSTRAINT users_code_key UNIQUE USING INDEX users_code_key;');
    expect(suggestion('foreign-key-not-valid', 'ALTER TABLE users ADD COLUMN org2 bigint DEFAULT 1 REFERENCES orgs (id);')).toContain(
      'ALTER TABLE users ADD CONSTRAINT users_org2_fkey FOREIGN KEY (org2) REFERENCES orgs (id) NOT VALID;',
    );
  });

  it('knows an unnamed constraint by the name PostgreSQL gives it when it is validated', () => {
    const sql = 'ALTER TABLE users ADD CHECK (age > 0) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_age_check;';
    expect(rulesHit(run({ history: HISTORY, migrations: [sql] }))).toContain('validate-in-same-transaction');
  });

  it('backfills every column of a renamed enum value, by table and column', () => {
    const sql = "CREATE TABLE feelings (id int, now mood, before mood);\nALTER TYPE mood RENAME VALUE 'sad' TO 'down';";
    expect(suggestion('enum-rename-value', sql)).toContain(
      "UPDATE feelings SET now = 'down' WHERE now = 'sad';\nUPDATE feelings SET before = 'down' WHERE before = 'sad';",
    );
  });
});

describe('suggested SQL quotes the names that need it (Prisma: "Recipient"."documentId")', () => {
  const PRISMA_HISTORY = [
    `CREATE TYPE "DocumentStatus" AS ENUM ('DRAFT', 'COMPLETED');
     CREATE TABLE "Document" ("id" SERIAL PRIMARY KEY, "status" "DocumentStatus" NOT NULL);
     CREATE TABLE "Recipient" ("id" SERIAL PRIMARY KEY, "email" TEXT, "documentId" INTEGER, "readStatus" VARCHAR(20));
     CREATE TABLE "Audit" ("id" SERIAL PRIMARY KEY, "at" TIMESTAMP(3));`,
  ];
  const CASED = /(?<![\w"])(Recipient|Document|DocumentStatus|documentId|emailAddress|readStatus|tokenValue|Recipient_documentId_fkey|Recipient_email_key)(?![\w"])/;
  const suggestionsOf = (sql: string) =>
    findings(run({ history: PRISMA_HISTORY, migrations: [sql] }))
      .filter((f) => f.suggestion)
      .map((f) => [f.rule, f.suggestion!] as const);

  it.each([
    ['ALTER TABLE "Recipient" ADD CONSTRAINT "Recipient_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document" ("id");', 'foreign-key-not-valid'],
    ['ALTER TABLE "Recipient" ALTER COLUMN "email" SET NOT NULL;', 'set-not-null-scan'],
    ['ALTER TABLE "Recipient" ALTER COLUMN "documentId" TYPE BIGINT;', 'unsafe-type-change'],
    ['ALTER TABLE "Recipient" RENAME COLUMN "email" TO "emailAddress";', 'rename-column'],
    ['ALTER TABLE "Recipient" ADD COLUMN "tokenValue" TEXT NOT NULL DEFAULT gen_random_uuid()::text;', 'column-default-rewrite'],
    ['ALTER TABLE "Recipient" ADD COLUMN "tokenValue" TEXT NOT NULL;', 'add-required-column'],
    ['ALTER TABLE "Recipient" ADD CONSTRAINT "Recipient_email_key" UNIQUE ("email");', 'unique-constraint-build'],
    ['ALTER TABLE "Recipient" ADD CHECK ("documentId" > 0);', 'constraint-missing-not-valid'],
    ['ALTER TABLE "Recipient" DROP COLUMN "readStatus";', 'drop-column'],
    ['ALTER TABLE "Recipient" RENAME TO "Addressee";', 'rename-table'],
    ['ALTER TYPE "DocumentStatus" RENAME VALUE \'DRAFT\' TO \'PENDING\';', 'enum-rename-value'],
    ['ALTER TABLE "Audit" ADD COLUMN "readStatus" VARCHAR(20), ADD COLUMN "documentId" TIMESTAMP;', 'prefer-text-over-varchar'],
  ])('%s', (sql, rule) => {
    const hits = suggestionsOf(sql);
    expect(hits.map(([r]) => r)).toContain(rule);
    for (const [r, suggestion] of hits) {
      const code = suggestion.split('\n').map((line) => line.replace(/--.*$/, '')).join('\n');
      expect([r, code.match(CASED)?.[0]]).toEqual([r, undefined]);
    }
  });

  it('writes the names PostgreSQL would give, quoted where it needs them', () => {
    const fk = suggestionsOf('ALTER TABLE "Recipient" ADD FOREIGN KEY ("documentId") REFERENCES "Document" ("id");').find(([r]) => r === 'foreign-key-not-valid')![1];
    expect(fk).toBe(
      'ALTER TABLE "Recipient" ADD CONSTRAINT "Recipient_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document" (id) NOT VALID;\n' +
        '-- next migration (SHARE UPDATE EXCLUSIVE here, ROW SHARE on the parent):\nALTER TABLE "Recipient" VALIDATE CONSTRAINT "Recipient_documentId_fkey";',
    );
    const rename = suggestionsOf('ALTER TABLE "Document" RENAME COLUMN "status" TO "state";').find(([r]) => r === 'rename-column')![1];
    expect(rename).toContain('ALTER TABLE "Document" ADD COLUMN state "DocumentStatus";');
    const serial = suggestionsOf('ALTER TABLE "Recipient" ADD COLUMN "seqNo" SERIAL;').find(([r]) => r === 'column-default-rewrite')![1];
    expect(serial).toContain(`CREATE SEQUENCE "Recipient_seqNo_seq" OWNED BY "Recipient"."seqNo";\nALTER TABLE "Recipient" ALTER COLUMN "seqNo" SET DEFAULT nextval('"Recipient_seqNo_seq"');`);
    const unique = suggestionsOf('ALTER TABLE "Recipient" ADD UNIQUE ("email", "documentId");').find(([r]) => r === 'unique-constraint-build')![1];
    expect(unique).toContain('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "Recipient_email_documentId_key" ON "Recipient" (email, "documentId");');
  });
});

describe('rule documentation', () => {
  it.each(RULES.map((r) => [r.id]))('docs/rules/%s.md exists and names the rule', (id) => {
    const page = readFileSync(join(__dirname, '..', '..', 'docs', 'rules', `${id}.md`), 'utf8');
    expect(page.startsWith(`# ${id}\n`)).toBe(true);
  });
});
