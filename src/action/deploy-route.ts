/**
 * The seam to the deploy module (src/deploy/index.ts), built separately. The Action routes
 * `deploy` and `rollback` to its `deploy()` / `rollback()` when they exist; otherwise it fails
 * with a clear message. Never a pretend success.
 */
import * as core from '@actions/core';
import { DrydockError } from '../util/errors';
import { redact } from '../util/secrets';
import type { ActionInputs } from './inputs';
import type { EventContext } from '../github/event';

/** What the Action hands to the deploy module; the module maps it onto its own options. */
export interface ActionDeployRequest {
  cwd: string;
  dirs: string[];
  layout?: ActionInputs['layout'];
  databaseUrl?: string;
  actor: string | null;
  /** The workflow run id, recorded in the deploy history. */
  deployId?: string;
  log: (line: string) => void;
}

type DeployFunction = (request: ActionDeployRequest) => Promise<{ exitCode: number; summary?: string }>;

function loadDeployModule(): Record<string, unknown> | null {
  try {
    // Resolved at run time on purpose: the Action builds and runs without the deploy module.
    return require('../deploy/index') as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw e;
  }
}

export async function routeDeploy(command: 'deploy' | 'rollback', inputs: ActionInputs, event: EventContext, cwd: string): Promise<number> {
  const entry = loadDeployModule()?.[command];
  if (typeof entry !== 'function') {
    throw new DrydockError(`drydock ${command} is not available in this version of the Action`, {
      fix: 'use command: check (or auto on pull_request events) until deploy support ships',
    });
  }
  const result = await (entry as DeployFunction)({
    cwd,
    dirs: inputs.migrationsPaths,
    layout: inputs.layout,
    databaseUrl: inputs.databaseUrl,
    actor: event.sender,
    deployId: process.env.GITHUB_RUN_ID,
    log: (line) => core.info(line),
  });
  if (result.summary && process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(redact(result.summary), true).write();
  return result.exitCode;
}
