/**
 * Deploy on merge (docs/deploy.md): the API the CLI and the Action call.
 *   deploy(options)        → DeployResult
 *   status(options)        → StatusResult
 *   baseline(options)      → AdoptionResult   (`drydock baseline --to VERSION`)
 *   importHistory(options) → AdoptionResult   (`drydock import-history --from TOOL`)
 *   resolve(options)       → ResolveResult    (`drydock resolve --version V --applied|--rolled-back`)
 */
export { deploy, applySettings } from './deploy';
export { status } from './status';
export { baseline, importHistory } from './adopt';
export { resolve } from './resolve';
export { s3BackupStep } from './backup-step';
export { DEPLOY_LOCK_KEY } from './lock';
export { formatPreflight } from './summary';
export type * from './types';
export type { MigrationApplyResult, StatementTiming, TableSize } from '../apply/types';
