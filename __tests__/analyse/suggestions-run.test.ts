/**
 * The safe alternatives the rules suggest are SQL a user pastes into the next migration: on every
 * test server, each suggestion's statements (comments stripped, the ones with placeholders such as
 * `<expr>` or `:from` left out) run after the history without an error. The history uses Prisma's
 * names ("Recipient"."documentId"), which fold to other names when left unquoted.
 */
import { withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases, testServerVersions } from '../support/pg';
import { findings, loadParser, run } from './helpers';

const HISTORY = `CREATE TYPE "DocumentStatus" AS ENUM ('DRAFT', 'COMPLETED');
CREATE TABLE "Document" ("id" SERIAL PRIMARY KEY, "status" "DocumentStatus" NOT NULL DEFAULT 'DRAFT');
CREATE TABLE "Recipient" ("id" SERIAL PRIMARY KEY, "email" TEXT, "documentId" INTEGER, "readStatus" VARCHAR(20));
INSERT INTO "Document" ("status") VALUES ('DRAFT'), ('COMPLETED');
INSERT INTO "Recipient" ("email", "documentId") VALUES ('a@example.com', 1), ('b@example.com', 2);
CREATE INDEX "Recipient_documentId_idx" ON "Recipient" ("documentId");
CREATE TABLE "Audit" ("id" SERIAL PRIMARY KEY, "documentId" INTEGER REFERENCES "Document" ("id"));`;

const CASES: [rule: string, sql: string][] = [
  ['foreign-key-not-valid', 'ALTER TABLE "Recipient" ADD FOREIGN KEY ("documentId") REFERENCES "Document" ("id") ON DELETE CASCADE ON UPDATE CASCADE;'],
  ['set-not-null-scan', 'ALTER TABLE "Recipient" ALTER COLUMN "email" SET NOT NULL;'],
  ['unsafe-type-change', 'ALTER TABLE "Recipient" ALTER COLUMN "documentId" TYPE BIGINT;'],
  ['rename-column', 'ALTER TABLE "Recipient" RENAME COLUMN "email" TO "emailAddress";'],
  ['column-default-rewrite', 'ALTER TABLE "Recipient" ADD COLUMN "seqNo" SERIAL;'],
  ['unique-constraint-build', 'ALTER TABLE "Recipient" ADD UNIQUE ("email", "documentId");'],
  ['unique-constraint-build', 'ALTER TABLE "Recipient" ADD CONSTRAINT "Recipient_email_uq" UNIQUE NULLS NOT DISTINCT ("email") INCLUDE ("documentId");'],
  ['constraint-missing-not-valid', 'ALTER TABLE "Recipient" ADD CHECK ("documentId" > 0);'],
  ['drop-column', 'ALTER TABLE "Recipient" DROP COLUMN "readStatus";'],
  ['rename-table', 'ALTER TABLE "Recipient" RENAME TO "Addressee";'],
  ['enum-rename-value', `ALTER TYPE "DocumentStatus" RENAME VALUE 'DRAFT' TO 'PENDING';`],
  ['require-concurrent-index', 'CREATE INDEX "Recipient_email_idx" ON "Recipient" ("email");'],
  ['require-concurrent-index-drop', 'DROP INDEX "Recipient_documentId_idx";'],
  ['drop-table', 'DROP TABLE "Audit";'],
];

/** The suggestion's statements that can run as written (each ends a line with `;`). */
function runnable(suggestion: string): string[] {
  const code = suggestion.replace(/--[^\n]*/g, '');
  return code
    .split(/;[ \t]*(?:\n|$)/)
    .map((sql) => sql.trim())
    .filter((sql) => sql && !/<[a-z_ ]+>|:from|:to/.test(sql));
}

beforeAll(loadParser);
afterAll(dropTestDatabases);

describe.each(testServerVersions())('PostgreSQL %s', (major) => {
  test.each(CASES)('%s: the suggestion runs (%s)', async (rule, sql) => {
    const hit = findings(run({ history: [HISTORY], migrations: [sql], pgVersion: Number(major) })).find((f) => f.rule === rule);
    expect(hit?.suggestion).toBeTruthy();
    const statements = runnable(hit!.suggestion!);
    expect(statements.length).toBeGreaterThan(0);
    const url = await createTestDatabase(major);
    await withClient(url, async (client) => {
      await client.query(HISTORY);
      // One at a time, outside a transaction, as a migration of their own would run them (CONCURRENTLY).
      for (const statement of statements) {
        await expect(client.query(statement).then(() => 'ok')).resolves.toBe('ok');
      }
      if (sql.includes('"Recipient_email_uq"')) {
        // Same name, same semantics: NULLS NOT DISTINCT and the INCLUDE column are kept.
        const { rows } = await client.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'Recipient_email_uq'`);
        expect(rows).toEqual([{ def: 'UNIQUE NULLS NOT DISTINCT (email) INCLUDE ("documentId")' }]);
      }
      if (rule === 'set-not-null-scan') {
        // The column ends NOT NULL, and on 18 under the name SET NOT NULL itself would have given.
        const { rows } = await client.query(`SELECT attnotnull FROM pg_attribute WHERE attrelid = '"Recipient"'::regclass AND attname = 'email'`);
        expect(rows).toEqual([{ attnotnull: true }]);
        if (Number(major) >= 18) {
          const named = await client.query(`SELECT conname FROM pg_constraint WHERE conrelid = '"Recipient"'::regclass AND contype = 'n' AND conname LIKE '%email%'`);
          expect(named.rows).toEqual([{ conname: 'Recipient_email_not_null' }]);
        }
      }
      if (rule === 'foreign-key-not-valid') {
        // The safe form is the same foreign key: Prisma's cascades survive.
        const { rows } = await client.query(`SELECT confdeltype, confupdtype, convalidated FROM pg_constraint WHERE conname = 'Recipient_documentId_fkey'`);
        expect(rows).toEqual([{ confdeltype: 'c', confupdtype: 'c', convalidated: true }]);
      }
    });
  });
});
