/** The pipeline's internal form of a migration: the report entry plus what the stages need. */
import type { MigrationFile } from '../discover/types';
import type { ParsedFile } from '../parse/parser';
import type { Migration } from '../report/types';
import type { DrydockError } from '../util/errors';

export interface ParsedMigration {
  /** The report entry; stages fill its statements' locks, rewrites, findings… */
  migration: Migration;
  file: MigrationFile;
  /** Parsed up SQL; statement i of `parsed` is `migration.statements[i]`. */
  parsed: ParsedFile;
  /** Parsed down SQL, if the migration has a down script that parses. */
  parsedDown: ParsedFile | null;
  /**
   * Why the down script was set aside: it does not parse. The migration still checks and deploys
   * (its rollback is generated instead); a new migration gets a finding for it.
   */
  downError: DrydockError | null;
}
