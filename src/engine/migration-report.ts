/** A migration's entry in the report, shared by SQL files (load.ts), code migrations and the estimator. */
import type { MigrationFile } from '../discover/types';
import type { Migration, Statement } from '../report/types';

/** The report's entry for a discovered file: what the file says about itself, and its statements. */
export function migrationReport(file: MigrationFile, statements: Statement[]): Migration {
  return {
    id: file.id,
    description: file.description,
    path: file.path,
    layout: file.layout,
    direction: file.direction,
    transactional: file.transactional,
    transactionSource: file.transactionSource,
    checksum: file.checksum,
    downPath: file.down?.path ?? null,
    isNew: file.isNew,
    statements,
    findings: [],
    roundTrip: null,
    lockWindows: [],
  };
}
