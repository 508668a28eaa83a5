/**
 * Discover and parse: turns migration files into ParsedMigrations, the form every later stage
 * (analysis, dry run, estimates, deploy) works on.
 */
import { discover } from '../discover';
import type { DiscoveryOptions, DiscoveryResult, MigrationFile } from '../discover/types';
import { loadParser, ParsedFile, parseSql, ParsedStatement } from '../parse/parser';
import { DrydockError, isDrydockError } from '../util/errors';
import type { Statement } from '../report/types';
import { migrationReport } from './migration-report';
import type { ParsedMigration } from './types';
import { batchPlanOf } from '../data/batch-plan';
import { codeMigration } from '../data/code-parsed';
import { isCodeMigrationPath } from '../data/code-migration';
import { splitVerifySection } from '../data/verify';

export interface LoadedMigrations {
  discovery: DiscoveryResult;
  migrations: ParsedMigration[];
}

export async function loadMigrations(options: DiscoveryOptions): Promise<LoadedMigrations> {
  const [discovery] = await Promise.all([discover(options), loadParser()]);
  return { discovery, migrations: discovery.migrations.map(parseMigration) };
}

/** Parse one discovered file (up and down) into the pipeline's form. Throws DrydockError on bad SQL. */
export function parseMigration(file: MigrationFile): ParsedMigration {
  if (isCodeMigrationPath(file.path)) return codeMigration(file);
  splitVerifySection(file);
  const parsed = parseSql(file.sql, file.path, { lineOffset: file.sqlStartLine - 1 });
  Object.assign(file, runnerTransactionMode(file, parsed.statements));
  let parsedDown: ParsedFile | null = null;
  let downError: DrydockError | null = null;
  if (file.down) {
    try {
      parsedDown = parseSql(file.down.sql, file.down.path, { lineOffset: file.down.sqlStartLine - 1 });
    } catch (error) {
      if (!isDrydockError(error)) throw error;
      // Real projects carry broken down scripts in their history (ente has two): set it aside.
      downError = error;
      file.down = null;
    }
  }
  const pm: ParsedMigration = { migration: migrationReport(file, parsed.statements.map(toReportStatement)), file, parsed, parsedDown, downError };
  // A misused drydock:batch directive is a user error at load time, naming file:line.
  batchPlanOf(pm);
  return pm;
}

/** Runners that add no BEGIN of their own: the file is sent as one query, an implicit transaction. */
const SENDS_FILE_AS_ONE_QUERY = new Set(['plain', 'golang-migrate', 'prisma', 'supabase']);

/**
 * How the user's runner really executes a file whose transaction mode no directive set. A runner
 * that sends the whole file as one query runs a lone statement outside any transaction (so a lone
 * CREATE INDEX CONCURRENTLY works), and a file with its own BEGIN/COMMIT as written. Flyway detects
 * non-transactional statements itself. Explicit wrappers (dbmate, diesel) stay transactional.
 */
export function runnerTransactionMode(
  file: Pick<MigrationFile, 'layout' | 'transactional' | 'transactionSource'>,
  statements: ParsedStatement[],
): { transactional: boolean; transactionSource: string } {
  const current = { transactional: file.transactional, transactionSource: file.transactionSource };
  if (file.transactionSource !== 'default') return current;
  if (SENDS_FILE_AS_ONE_QUERY.has(file.layout)) {
    if (statements.some((s) => s.transactionControl)) {
      return { transactional: false, transactionSource: `${file.layout}: the file's own BEGIN/COMMIT` };
    }
    if (statements.length === 1 && statements[0].nonTransactional) {
      return { transactional: false, transactionSource: `${file.layout}: a lone statement is sent outside a transaction` };
    }
    return { transactional: true, transactionSource: `${file.layout}: the file is sent as one query, which runs as one implicit transaction` };
  }
  if (file.layout === 'flyway' && statements.some((s) => s.nonTransactional)) {
    return { transactional: false, transactionSource: 'flyway: detected a statement that cannot run in a transaction' };
  }
  return current;
}

export function toReportStatement(s: ParsedStatement): Statement {
  return {
    index: s.index,
    line: s.line,
    column: s.column,
    endLine: s.endLine,
    sql: s.sql,
    kind: s.kind,
    nonTransactional: s.nonTransactional,
    transactionControl: s.transactionControl,
    locks: [],
    rewrites: [],
    durationMs: null,
    findings: [],
    scan: null,
    rows: null,
    walBytes: null,
    timeouts: null,
    error: null,
    estimate: null,
  };
}
