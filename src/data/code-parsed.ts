/**
 * A TypeScript/JavaScript migration in the pipeline's form. Its SQL is only known when it runs:
 * statically it has no statements (and a finding saying so); the dry run fills them from the
 * queries the module sends (./dryrun.ts).
 */
import type { MigrationFile } from '../discover/types';
import type { ParsedMigration } from '../engine/types';
import { migrationReport } from '../engine/migration-report';

export function codeMigration(file: MigrationFile): ParsedMigration {
  file.transactional = true;
  file.transactionSource = 'code migration: up(db) runs in one transaction';
  // Statically it has no statements; the plain layout pairs no down script with it.
  const migration = migrationReport(file, []);
  migration.findings.push({
    rule: 'runtime-sql',
    severity: 'info',
    message: 'a TypeScript/JavaScript migration: its SQL is only known at run time, so static analysis cannot check it; the dry run traces every query it sends',
    suggestion: 'run drydock check with a dry run (the default) to see its statements, locks and timings',
    id: `runtime-sql@${file.id}`,
    path: file.path,
    line: 1,
  });
  return { migration, file, parsed: { statements: [], trailingComments: [] }, parsedDown: null, downError: null };
}
