/** drydock.config.json (or the "drydock" key of package.json); see docs/config.md. */
import type { Severity } from '../report/types';

export interface RuleConfig {
  enabled?: boolean;
  severity?: Severity;
}

export interface DrydockConfig {
  /** Target PostgreSQL major version for static predictions, e.g. 15. */
  pgVersion?: number;
  /** Findings at or above this severity fail the check (exit 1). Default "error". */
  failOn?: Severity | 'never';
  rules?: Record<string, RuleConfig | boolean>;
  /** Timeouts the runner sets before each migration (satisfy the timeout rules). */
  runnerTimeouts?: { lockTimeout?: string; statementTimeout?: string };
  /** SQL run in the ephemeral database before the history (platform roles, extensions, schemas). */
  setupSql?: string;
}
