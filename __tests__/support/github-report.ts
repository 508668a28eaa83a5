/**
 * Realistic reports for the renderer, SARIF and gate tests: what a dry run with production
 * statistics produces (traced locks, lock windows, estimates, round trips), and what a static check
 * produces from the same migrations (predicted locks only).
 */
import { createHash } from 'node:crypto';
import type { Finding, LockMode, Migration, Report, Statement } from '../../src/report/types';

export function checksumOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface StatementSpec {
  sql: string;
  line: number;
  kind: string;
  locks?: { relation: string; mode: LockMode }[];
  rewrites?: string[];
  durationMs?: number;
  estimateMs?: number;
  findings?: Finding[];
  nonTransactional?: boolean;
}

export function statement(index: number, spec: StatementSpec, traced: boolean): Statement {
  const lines = spec.sql.split('\n').length;
  return {
    index,
    line: spec.line,
    column: 1,
    endLine: spec.line + lines - 1,
    sql: spec.sql,
    kind: spec.kind,
    nonTransactional: spec.nonTransactional ?? false,
    transactionControl: false,
    locks: (spec.locks ?? []).map((l) => ({ ...l, source: traced ? 'traced' : 'predicted', relkind: 'table' })),
    rewrites: (spec.rewrites ?? []).map((relation) => ({ relation, kind: 'table', source: traced ? 'traced' : 'predicted' })),
    durationMs: traced ? (spec.durationMs ?? 3) : null,
    findings: spec.findings ?? [],
    estimate:
      traced && spec.estimateMs !== undefined
        ? { ms: spec.estimateMs, lowMs: Math.round(spec.estimateMs * 0.6), highMs: Math.round(spec.estimateMs * 1.8), class: 'I', basis: 'pg_class.reltuples' }
        : null,
  };
}

interface MigrationSpec {
  id: string;
  description: string;
  statements: StatementSpec[];
  down?: boolean;
  findings?: Finding[];
  lockWindows?: Migration['lockWindows'];
  isNew?: boolean;
}

export function migration(spec: MigrationSpec, traced: boolean): Migration {
  const path = `db/migrations/${spec.id}_${spec.description}.up.sql`;
  const content = spec.statements.map((s) => s.sql + ';').join('\n');
  return {
    id: spec.id,
    description: spec.description,
    path,
    layout: 'golang-migrate',
    direction: 'up',
    transactional: true,
    transactionSource: 'default',
    checksum: checksumOf(content),
    downPath: spec.down ? path.replace('.up.sql', '.down.sql') : null,
    isNew: spec.isNew ?? true,
    statements: spec.statements.map((s, i) => statement(i, s, traced)),
    findings: spec.findings ?? [],
    roundTrip: traced ? (spec.down ? { status: 'ok', diff: [] } : { status: 'skipped', diff: [] }) : null,
    lockWindows: traced ? (spec.lockWindows ?? []) : undefined,
  };
}

const INDEX_FINDING: Finding = {
  rule: 'require-concurrent-index-creation',
  severity: 'error',
  message: 'CREATE INDEX blocks writes to public.users (ShareLock) for the whole build: ~2 min 40 s at production size.',
  suggestion: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n-- in its own migration file: it cannot run inside a transaction',
};

const TYPE_FINDING: Finding = {
  rule: 'changing-column-type',
  severity: 'error',
  message: 'ALTER COLUMN … TYPE rewrites public.orders and its 3 indexes under AccessExclusiveLock: reads and writes wait ~6 min.',
  suggestion:
    'Add a new column, backfill it in batches, then swap:\n1. ALTER TABLE orders ADD COLUMN total_v2 numeric(12,2);\n2. backfill in batches of 10,000 rows\n3. switch the application, then drop the old column',
};

const TIMEOUT_FINDING: Finding = {
  rule: 'require-lock-timeout',
  severity: 'warning',
  message: 'No lock_timeout is set: if a long transaction holds public.orders, this statement queues and blocks every query behind it.',
  suggestion: "SET lock_timeout = '2s';",
};

/** A dry run with statistics: three new migrations, two blocking findings and a warning. */
export function fullReport(options: { traced?: boolean } = {}): Report {
  const traced = options.traced ?? true;
  const migrations = [
    migration(
      {
        id: '20240301090000',
        description: 'create_audit_log',
        down: true,
        statements: [
          {
            sql: 'CREATE TABLE audit_log (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  actor text NOT NULL,\n  at timestamptz NOT NULL DEFAULT now()\n)',
            line: 1,
            kind: 'CreateStmt',
            durationMs: 4,
            estimateMs: 5,
          },
        ],
      },
      traced,
    ),
    migration(
      {
        id: '20240301091000',
        description: 'index_users_email',
        down: true,
        statements: [
          {
            sql: 'CREATE INDEX users_email_idx ON users (email)',
            line: 1,
            kind: 'IndexStmt',
            locks: [{ relation: 'public.users', mode: 'ShareLock' }],
            durationMs: 38,
            estimateMs: 160_000,
            findings: [{ ...INDEX_FINDING, id: 'require-concurrent-index-creation:20240301091000:1' }],
          },
        ],
        lockWindows: [{ relation: 'public.users', mode: 'ShareLock', acquiredAt: 0, releasedAt: null, heldDuring: [], holdMs: 38, estimatedHoldMs: 160_000 }],
      },
      traced,
    ),
    migration(
      {
        id: '20240301092000',
        description: 'orders_total_numeric',
        statements: [
          {
            sql: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2)',
            line: 1,
            kind: 'AlterTableStmt',
            locks: [{ relation: 'public.orders', mode: 'AccessExclusiveLock' }],
            rewrites: ['public.orders'],
            durationMs: 52,
            estimateMs: 362_000,
            findings: [
              { ...TYPE_FINDING, id: 'changing-column-type:20240301092000:1' },
              { ...TIMEOUT_FINDING, id: 'require-lock-timeout:20240301092000:1' },
            ],
          },
          {
            sql: 'UPDATE orders SET total = round(total, 2) WHERE total IS NOT NULL',
            line: 2,
            kind: 'UpdateStmt',
            locks: [{ relation: 'public.orders', mode: 'RowExclusiveLock' }],
            durationMs: 20,
            estimateMs: 95_000,
          },
        ],
        lockWindows: [
          { relation: 'public.orders', mode: 'AccessExclusiveLock', acquiredAt: 0, releasedAt: null, heldDuring: [1], holdMs: 72, estimatedHoldMs: 457_000 },
        ],
      },
      traced,
    ),
  ];
  return reportOf(migrations, traced);
}

export function reportOf(migrations: Migration[], traced: boolean): Report {
  const all = migrations.flatMap((m) => [...m.findings, ...m.statements.flatMap((s) => s.findings)]).filter((f) => !f.suppressed);
  const count = (s: string) => all.filter((f) => f.severity === s).length;
  return {
    version: 1,
    tool: { name: 'drydock', version: '0.1.0' },
    generatedAt: '2026-03-01T09:30:00.000Z',
    sources: [{ dir: 'db/migrations', layout: 'golang-migrate', migrations: migrations.length }],
    base: 'abc1234',
    mode: traced ? 'dry-run' : 'static',
    server: traced ? { version: '16.4', versionNum: 160004, provider: 'embedded' } : null,
    migrations,
    integrity: [],
    summary: {
      migrations: migrations.length,
      newMigrations: migrations.filter((m) => m.isNew).length,
      statements: migrations.reduce((a, m) => a + m.statements.length, 0),
      findings: { info: count('info'), warning: count('warning'), error: count('error') },
      worst: count('error') ? 'error' : count('warning') ? 'warning' : count('info') ? 'info' : 'none',
    },
  };
}

/** Only the clean migration: nothing to review. */
export function safeReport(): Report {
  const full = fullReport();
  return reportOf([full.migrations[0]], true);
}

/** Only warnings: below the default fail level. */
export function warningReport(): Report {
  const full = fullReport();
  const m = full.migrations[2];
  m.statements[0].findings = m.statements[0].findings.filter((f) => f.severity === 'warning');
  return reportOf([full.migrations[0], m], true);
}

/** `count` migrations, each creating an index without CONCURRENTLY, with long SQL. */
export function giantReport(count: number): Report {
  const migrations: Migration[] = [];
  for (let i = 0; i < count; i++) {
    const id = String(20240101000000 + i * 100);
    const columns = Array.from({ length: 40 }, (_, c) => `  col_${c} text NOT NULL DEFAULT 'value ${c} of table ${i}'`).join(',\n');
    migrations.push(
      migration(
        {
          id,
          description: `table_${i}`,
          down: i % 2 === 0,
          statements: [
            { sql: `CREATE TABLE t_${i} (\n${columns}\n)`, line: 1, kind: 'CreateStmt', estimateMs: 4 },
            {
              sql: `CREATE INDEX t_${i}_idx ON big_table_${i} (col_1)`,
              line: 43,
              kind: 'IndexStmt',
              locks: [{ relation: `public.big_table_${i}`, mode: 'ShareLock' }],
              estimateMs: 30_000,
              findings: [{ ...INDEX_FINDING, message: INDEX_FINDING.message.replace('users', `big_table_${i}`), id: `require-concurrent-index-creation:${id}:2` }],
            },
          ],
          lockWindows: [{ relation: `public.big_table_${i}`, mode: 'ShareLock', acquiredAt: 1, releasedAt: null, heldDuring: [], holdMs: 20, estimatedHoldMs: 30_000 }],
        },
        true,
      ),
    );
  }
  return reportOf(migrations, true);
}
