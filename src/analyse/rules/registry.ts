/**
 * Every rule drydock knows. Config validation, docs and the analyser all read this list, so a rule
 * exists exactly when it is registered here.
 */
import { rule as addRequiredColumn } from './add-required-column';
import { rule as batchedBackfill } from './batched-backfill';
import { rule as charType } from './char-type';
import { rule as columnDefaultRewrite } from './column-default-rewrite';
import { rule as concurrentlyInTransaction } from './concurrently-in-transaction';
import { rule as constraintMissingNotValid } from './constraint-missing-not-valid';
import { rule as dropColumn } from './drop-column';
import { rule as dropDatabase } from './drop-database';
import { rule as dropTable } from './drop-table';
import { rule as enumAddValueInTransaction } from './enum-add-value-in-transaction';
import { rule as enumRenameValue } from './enum-rename-value';
import { rule as foreignKeyNotValid } from './foreign-key-not-valid';
import { rule as identifierTooLong } from './identifier-too-long';
import { rule as ignoreDirective } from './ignore-directive';
import { rule as lockHeldDuringSlowWork } from './lock-held-during-slow-work';
import { rule as mixedTransaction } from './mixed-transaction';
import { rule as opaqueStatement } from './opaque-statement';
import { rule as preferBigintKey } from './prefer-bigint-key';
import { rule as preferIdentity } from './prefer-identity';
import { rule as preferJsonb } from './prefer-jsonb';
import { rule as preferRobustStatements } from './prefer-robust-statements';
import { rule as preferTextOverVarchar } from './prefer-text-over-varchar';
import { rule as preferTimestamptz } from './prefer-timestamptz';
import { rule as renameColumn } from './rename-column';
import { rule as renameTable } from './rename-table';
import { rule as requireConcurrentDetach } from './require-concurrent-detach';
import { rule as requireConcurrentIndexDrop } from './require-concurrent-index-drop';
import { rule as requireConcurrentIndex } from './require-concurrent-index';
import { rule as requireConcurrentReindex } from './require-concurrent-reindex';
import { rule as requireLockTimeout } from './require-lock-timeout';
import { rule as requireStatementTimeout } from './require-statement-timeout';
import { rule as setNotNullScan } from './set-not-null-scan';
import { rule as transactionNesting } from './transaction-nesting';
import { rule as uniqueConstraintBuild } from './unique-constraint-build';
import { rule as unsafeTypeChange } from './unsafe-type-change';
import { rule as unusedIgnore } from './unused-ignore';
import { rule as vacuumFullCluster } from './vacuum-full-cluster';
import { rule as validateInSameTransaction } from './validate-in-same-transaction';
import { STAGE_RULES } from './stage-rules';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [
  addRequiredColumn,
  batchedBackfill,
  charType,
  columnDefaultRewrite,
  concurrentlyInTransaction,
  constraintMissingNotValid,
  dropColumn,
  dropDatabase,
  dropTable,
  enumAddValueInTransaction,
  enumRenameValue,
  foreignKeyNotValid,
  identifierTooLong,
  ignoreDirective,
  lockHeldDuringSlowWork,
  mixedTransaction,
  opaqueStatement,
  preferBigintKey,
  preferIdentity,
  preferJsonb,
  preferRobustStatements,
  preferTextOverVarchar,
  preferTimestamptz,
  renameColumn,
  renameTable,
  requireConcurrentDetach,
  requireConcurrentIndexDrop,
  requireConcurrentIndex,
  requireConcurrentReindex,
  requireLockTimeout,
  requireStatementTimeout,
  setNotNullScan,
  transactionNesting,
  uniqueConstraintBuild,
  unsafeTypeChange,
  unusedIgnore,
  vacuumFullCluster,
  validateInSameTransaction,
  ...STAGE_RULES,
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}
