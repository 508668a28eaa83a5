/** What discovery hands to the rest of the pipeline. */
import type { Direction, IntegrityIssue, LayoutName } from '../report/types';

export interface MigrationFile {
  /** Version or name as the layout defines it (e.g. "20240101120000", "1.2", "add_users"). */
  id: string;
  description: string;
  /** Path relative to the repository root (or the working directory outside git), with "/" separators. */
  path: string;
  absPath: string;
  layout: LayoutName;
  direction: Direction;
  /** The SQL drydock parses and runs: for dbmate the up (or down) section only; Flyway placeholders substituted. */
  sql: string;
  /** Line in the file where `sql` starts (1-based), so positions map back into the file. */
  sqlStartLine: number;
  /** sha256 hex of the file content with CRLF normalised to LF. */
  checksum: string;
  transactional: boolean;
  /** "default", or the directive/config that decided `transactional` (e.g. "V2__x.sql.conf: executeInTransaction=false"). */
  transactionSource: string;
  /** The paired down/undo/revert script, if any. */
  down: { path: string; absPath: string; sql: string; sqlStartLine: number } | null;
  /** sqitch verify script or a `.verify.sql` sibling. */
  verify: { path: string; absPath: string; sql: string; sqlStartLine: number } | null;
  /** New in this change (added since --base), or every migration without --base. */
  isNew: boolean;
}

export interface DiscoveredSource {
  /** Directory relative to the repository root. */
  dir: string;
  layout: LayoutName;
  migrations: MigrationFile[];
}

export interface DiscoveryResult {
  sources: DiscoveredSource[];
  /** Up (and repeatable) migrations of every source, in the order the runner applies them. */
  migrations: MigrationFile[];
  /** Migrations modified or deleted since --base. */
  integrity: IntegrityIssue[];
}

export interface DiscoveryOptions {
  /** Directories given on the command line; empty = auto-detect from the repository root. */
  dirs: string[];
  /** Force a layout instead of detecting it. */
  layout?: LayoutName;
  /** Git ref: migrations added since it are new, earlier ones are history. */
  base?: string;
  /** Working directory (repository root or where the command runs). */
  cwd: string;
  /** Flyway placeholder values (`${name}`), on top of flyway.conf / flyway.toml; names are case-insensitive. */
  placeholders?: Record<string, string>;
}
