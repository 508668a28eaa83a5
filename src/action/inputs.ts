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
  };
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
