/** The Action's inputs (action.yml), validated once; secrets are masked before anything is logged. */
import * as core from '@actions/core';
import { LAYOUT_NAMES, SEVERITIES, type LayoutName, type Severity } from '../report/types';
import { DrydockError } from '../util/errors';
import { registerSecret } from '../util/secrets';

export type ActionCommand = 'auto' | 'check' | 'publish' | 'deploy' | 'rollback';
export type CommentPolicy = 'on' | 'off' | 'if-findings';

export interface ActionInputs {
  command: ActionCommand;
  migrationsPaths: string[];
  layout?: LayoutName;
  mode: 'static' | 'dry-run';
  shadowDatabaseUrl?: string;
  databaseUrl?: string;
  statsFile?: string;
  failOn?: Severity | 'never';
  pgVersion?: number;
  githubToken?: string;
  comment: CommentPolicy;
  /** publish: the report JSON downloaded from the pull_request run's artifact. */
  reportFile?: string;
  /** publish: the PR the artifact is for (checked against the PR's head commit). */
  prNumber?: number;
  /** deploy/rollback: the backup taken before anything changes. */
  backup: BackupInputs;
  lockTimeout?: string;
  statementTimeout?: string;
  /** The GitHub environment of the deployment (default "production"). */
  environment: string;
  /** Append the changelog to this file in the repository through the contents API. */
  changelogPath?: string;
  rollbackTo?: string;
  rollbackSteps?: number;
  force: boolean;
  reason?: string;
}

export interface BackupInputs {
  /** pg-dump: pg_dump to S3 before applying; none: deliberately no backup. */
  method: 'pg-dump' | 'none';
  bucket?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  forcePathStyle: boolean;
  /** Static keys (S3-compatible stores); absent: the AWS SDK's chain (env, OIDC web identity). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

export function readInputs(): ActionInputs {
  const shadowDatabaseUrl = optional('shadow-database-url');
  const databaseUrl = optional('database-url');
  for (const secret of [shadowDatabaseUrl, databaseUrl]) {
    if (!secret) continue;
    core.setSecret(secret);
    registerSecret(secret);
    try {
      const password = new URL(secret).password;
      if (password) {
        core.setSecret(password);
        core.setSecret(decodeURIComponent(password));
      }
    } catch {
      // not a URL: the whole value is masked already
    }
  }
  const backup = readBackupInputs();
  const githubToken = optional('github-token');
  // The client masks the token in the log when it is built; here it joins the redaction list.
  registerSecret(githubToken);
  const pgVersionText = optional('pg-version');
  const pgVersion = pgVersionText ? Number(pgVersionText) : undefined;
  if (pgVersion !== undefined && (!Number.isInteger(pgVersion) || pgVersion < 10)) {
    throw new DrydockError(`input pg-version: "${pgVersionText}" is not a PostgreSQL major version`, { fix: 'use e.g. pg-version: 16' });
  }
  const prNumberText = optional('pr-number');
  const prNumber = prNumberText ? Number(prNumberText) : undefined;
  if (prNumber !== undefined && (!Number.isInteger(prNumber) || prNumber < 1)) {
    throw new DrydockError(`input pr-number: "${prNumberText}" is not a pull request number`);
  }
  return {
    command: oneOf('command', ['auto', 'check', 'publish', 'deploy', 'rollback'] as const, 'auto'),
    migrationsPaths: core
      .getMultilineInput('migrations-path')
      .flatMap((l) => l.split(','))
      .map((p) => p.trim())
      .filter(Boolean),
    layout: oneOf('layout', LAYOUT_NAMES, undefined),
    mode: oneOf('mode', ['dry-run', 'static'] as const, 'dry-run'),
    shadowDatabaseUrl,
    databaseUrl,
    statsFile: optional('stats-file'),
    failOn: oneOf('fail-on', [...SEVERITIES, 'never'] as const, undefined),
    pgVersion,
    githubToken,
    comment: oneOf('comment', ['on', 'off', 'if-findings'] as const, 'on'),
    reportFile: optional('report-file'),
    prNumber,
    backup,
    lockTimeout: optional('lock-timeout'),
    statementTimeout: optional('statement-timeout'),
    environment: optional('environment') ?? 'production',
    changelogPath: optional('changelog-path'),
    rollbackTo: optional('rollback-to'),
    rollbackSteps: positiveInteger('rollback-steps', 'use e.g. rollback-steps: 1'),
    force: flag('force'),
    reason: optional('reason'),
  };
}

function readBackupInputs(): BackupInputs {
  const accessKeyId = optional('backup-access-key-id') ?? process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = optional('backup-secret-access-key');
  // Keys from the inputs or the environment are masked alike: either may reach an error message.
  for (const secret of [accessKeyId, secretAccessKey, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN]) {
    if (!secret) continue;
    core.setSecret(secret);
    registerSecret(secret);
  }
  return {
    method: oneOf('backup', ['pg-dump', 'none'] as const, 'pg-dump'),
    bucket: optional('backup-bucket'),
    prefix: optional('backup-prefix'),
    region: optional('backup-region'),
    endpoint: optional('backup-endpoint'),
    forcePathStyle: flag('backup-force-path-style'),
    ...(secretAccessKey ? { accessKeyId, secretAccessKey } : {}),
  };
}

const TRUE_WORDS = ['true', 'True', 'TRUE'];
const FALSE_WORDS = ['false', 'False', 'FALSE'];

/** A YAML 1.2 boolean (like core.getBooleanInput) that fails as a user error; empty is false. */
function flag(name: string): boolean {
  const value = optional(name);
  if (value === undefined || FALSE_WORDS.includes(value)) return false;
  if (TRUE_WORDS.includes(value)) return true;
  throw new DrydockError(`input ${name}: "${value}" is not true or false`, { fix: `set ${name}: true or ${name}: false` });
}

function positiveInteger(name: string, fix: string): number | undefined {
  const text = optional(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new DrydockError(`input ${name}: "${text}" is not a positive whole number`, { fix });
  return value;
}

function optional(name: string): string | undefined {
  return core.getInput(name).trim() || undefined;
}

function oneOf<T extends string, D extends T | undefined>(name: string, allowed: readonly T[], fallback: D): T | D {
  const value = optional(name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new DrydockError(`input ${name}: "${value}" is not one of ${allowed.join(', ')}`, { fix: `set ${name} to one of: ${allowed.join(', ')}` });
  }
  return value as T;
}
