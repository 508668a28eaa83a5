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
  /** Per rule id: on/off, a severity, or both. */
  rules?: Record<string, RuleConfig | boolean | Severity | 'off'>;
  /** Timeouts the runner sets before each migration (satisfy the timeout rules). */
  runnerTimeouts?: { lockTimeout?: string; statementTimeout?: string };
  /** SQL run in the ephemeral database before the history (platform roles, extensions, schemas). */
  setupSql?: string;
}

/** The configuration after defaults and validation: every rule has an explicit state. */
export interface ResolvedConfig {
  pgVersion: number;
  failOn: Severity | 'never';
  /** Every rule's setting; `configured` marks the ones the config file set (not defaults). */
  rules: Record<string, { enabled: boolean; severity: Severity; configured?: boolean }>;
  runnerTimeouts: { lockTimeout: string | null; statementTimeout: string | null };
  /** Path of a SQL file run before the history in the dry run (relative to the working directory). */
  setupSql?: string;
  /** Where the configuration came from ("defaults" when no file). */
  source: string;
}

/**
 * Default target version when neither the config nor --pg-version names one: the oldest major the
 * PostgreSQL community still supports (14, until November 2026), so predictions never assume an
 * optimisation the production server may lack. The dry run replaces it with the server's version.
 */
export const DEFAULT_PG_VERSION = 14;
