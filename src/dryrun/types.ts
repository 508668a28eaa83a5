import type { EphemeralServer, ProviderKind } from './providers';

export interface DryRunOptions {
  server: EphemeralServer;
  /** SQL run before the history (platform roles, extensions, schemas); wins over setupSqlPath. */
  setupSql?: string;
  /** File holding that SQL (--setup-sql FILE / config setupSql); errors point into it. */
  setupSqlPath?: string;
  /** Enables the base-schema cache (template database on the server); null or absent = off. */
  cacheDir?: string | null;
  /**
   * Keep the replayed base schema as a template even with the cache off: the estimator calibrates
   * in copies of it (`baseSchemaDatabase` in the result). The engine sets it when statistics are given.
   */
  keepBaseSchema?: boolean;
  /** Prove every new migration's way back: up → rollback → up (default true). */
  roundTrip?: boolean;
  log?: (line: string) => void;
}

export interface DryRunTimings {
  /** Creating the work database: cloning the cached base, or setup + history replay. */
  prepareMs: number;
  /** Replaying history (0 on a cache hit). */
  replayMs: number;
  /** Tracing the new migrations, round trips included. */
  traceMs: number;
  /** Of traceMs: the down round trips. */
  roundTripMs: number;
  /** Of traceMs: closing the connections and dropping the work database. */
  cleanupMs: number;
  totalMs: number;
}

export interface DryRunResult {
  server: { version: string; versionNum: number; provider: ProviderKind };
  cacheHit: boolean;
  /** Template database holding setup + history (kept on the server), or null with the cache off. */
  baseSchemaDatabase: string | null;
  /** The new migration whose statement failed (tracing stopped there), or null. */
  failed: { migration: string; path: string; line: number; column: number; message: string } | null;
  timings: DryRunTimings;
}
