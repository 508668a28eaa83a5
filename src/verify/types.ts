/** After-apply verification: catalog drift against the dry run, and verify scripts. */
import type { CatalogSnapshot } from '../schema';

export interface VerifyOptions {
  /** The catalog the dry run ended with (snapshotCatalog on the ephemeral database after all migrations). */
  expectedCatalog?: CatalogSnapshot;
  /** Run sqitch-style verify scripts of the migrations just applied. Default true. */
  scripts?: boolean;
}

export interface VerifyScriptResult {
  version: string;
  path: string;
  status: 'pass' | 'fail';
  error?: string;
}

export interface VerifyResult {
  /** Catalog differences, expected → actual; null when no expected catalog was given. */
  drift: string[] | null;
  scripts: VerifyScriptResult[];
  ok: boolean;
  /** One line per finding, for the deploy report. */
  lines: string[];
}
