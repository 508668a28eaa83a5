/**
 * The Action's `deploy` and `rollback`: the inputs become deploy()/rollback() options (backup to S3,
 * timeouts), the run is recorded as a GitHub deployment of the environment, and the changelog goes
 * out as files, step outputs, the job summary, a comment on each merged PR that brought a migration,
 * and an entry in the repository's changelog file when changelog-path is set.
 */
import * as core from '@actions/core';
import { changelogEntry, deployMarkdown, GitHubDeployment, pushCommits, writeChangelogFiles, type DeployChangelog, type RollbackChangelog } from '../changelog';
import { bestEffort, commentOnPullRequests, commitChangelogFile, type PostContext } from '../changelog/post';
import { deploy, s3BackupStep, type BackupStep, type DeployResult } from '../deploy';
import { findMigration } from '../deploy/versions';
import { loadMigrations } from '../engine/load';
import type { ParsedMigration } from '../engine/types';
import { createGitHubClient } from '../github/client';
import type { EventContext } from '../github/event';
import { codeBlock } from '../report/markdown/escape';
import { rollback, type RollbackResult } from '../rollback';
import { DrydockError } from '../util/errors';
import { redact } from '../util/secrets';
import type { ActionInputs, BackupInputs } from './inputs';
import { writeJobSummary } from './publish';

interface RunContext {
  inputs: ActionInputs;
  event: EventContext;
  cwd: string;
  /** Recorded in migration_history; the workflow run (and attempt) that did it. */
  runId: string | undefined;
  post: PostContext | null;
}

export async function routeDeploy(command: 'deploy' | 'rollback', inputs: ActionInputs, event: EventContext, cwd: string): Promise<number> {
  if (!inputs.databaseUrl) {
    throw new DrydockError(`drydock ${command} needs the target database`, { fix: 'set the database-url input from a secret: database-url: ${{ secrets.DATABASE_URL }}' });
  }
  const client = inputs.githubToken ? createGitHubClient(inputs.githubToken) : null;
  const context: RunContext = {
    inputs,
    event,
    cwd,
    runId: runId(),
    post: client ? { client, target: { owner: event.owner, repo: event.repo }, warn: (m) => core.warning(m), runUrl: event.runUrl } : null,
  };
  return command === 'deploy' ? runDeploy(context) : runRollback(context);
}

async function runDeploy(context: RunContext): Promise<number> {
  const { inputs, cwd } = context;
  const migrations = (await loadMigrations({ cwd, dirs: inputs.migrationsPaths, layout: inputs.layout })).migrations;
  const backup = backupStep(inputs.backup, context.runId);
  const result = await withDeployment(context, 'deploy:migrations', `drydock deploy to ${inputs.environment}`, (r: DeployResult) => deployStatus(r), () =>
    deploy({
      databaseUrl: inputs.databaseUrl!,
      migrations,
      backup,
      ...runOptions(context),
    }),
  );

  const date = new Date().toISOString();
  const applied = result.migrations.filter((m) => m.status === 'applied');
  const paths = new Map<string, string>();
  const entries = applied.map((m) => {
    const pm = migrationOf(migrations, m.path, m.version);
    paths.set(pm.migration.id, pm.migration.path);
    return changelogEntry(pm, date);
  });
  const changelog: DeployChangelog = {
    kind: 'deploy',
    deployId: result.deployId,
    environment: inputs.environment,
    outcome: result.outcome,
    backup: result.backup?.location ?? null,
    entries,
  };
  const markdown = deployMarkdown(changelog, { paths });
  const files = writeChangelogFiles(changelog, markdown);
  core.setOutput('applied', String(applied.length));
  setRunOutputs(result.deployId, result.backup?.location, files);
  await writeJobSummary(`${markdown}\n${reportDetails('Deploy report', result.summary)}`);

  if (context.post && entries.length > 0) {
    await commentOnPullRequests(context.post, changelog, {
      paths,
      commits: pushCommits(context.event.eventName, process.env.GITHUB_EVENT_PATH),
      headSha: context.event.headSha,
    });
    if (inputs.changelogPath) {
      await commitChangelogFile(context.post, inputs.changelogPath, markdown, `drydock: changelog of deploy ${result.deployId} to ${inputs.environment}`);
    }
  }
  return result.exitCode;
}

async function runRollback(context: RunContext): Promise<number> {
  const { inputs, cwd } = context;
  if ((inputs.rollbackTo === undefined) === (inputs.rollbackSteps === undefined)) {
    throw new DrydockError('drydock rollback needs rollback-to or rollback-steps (one of them)', { fix: 'set rollback-steps: 1 to undo the latest migration, or rollback-to: VERSION' });
  }
  // The files are optional to a rollback (stored scripts come first); unreadable ones are not a reason to refuse it.
  const migrations = inputs.migrationsPaths.length > 0 ? (await loadMigrations({ cwd, dirs: inputs.migrationsPaths, layout: inputs.layout })).migrations : undefined;
  const result = await withDeployment(context, 'rollback:migrations', `drydock rollback on ${inputs.environment}`, (r: RollbackResult) => rollbackStatus(r), () =>
    rollback({
      databaseUrl: inputs.databaseUrl!,
      to: inputs.rollbackTo,
      steps: inputs.rollbackSteps,
      force: inputs.force,
      reason: inputs.reason,
      backup: backupStep(inputs.backup, context.runId),
      migrations,
      ...runOptions(context),
    }),
  );
  const rolledBack = result.targets.filter((t) => t.status === 'rolled-back');
  const changelog: RollbackChangelog = {
    kind: 'rollback',
    rollbackId: result.rollbackId,
    environment: inputs.environment,
    outcome: result.outcome,
    backup: result.backup?.location ?? null,
    rolledBack: rolledBack.map((t) => t.version),
    markdown: result.changelog,
  };
  const markdown = `${result.changelog.trimEnd()}\n`;
  const files = writeChangelogFiles(changelog, markdown);
  core.setOutput('applied', '0');
  core.setOutput('rolled-back', String(rolledBack.length));
  setRunOutputs(result.rollbackId, result.backup?.location, files);
  await writeJobSummary(`${markdown}\n${reportDetails('Rollback report', result.summary)}`);
  if (context.post && inputs.changelogPath && rolledBack.length > 0) {
    await commitChangelogFile(context.post, inputs.changelogPath, markdown, `drydock: changelog of rollback ${result.rollbackId} on ${inputs.environment}`);
  }
  return result.exitCode;
}

/** What a deploy and a rollback run on the target take alike from the Action's run. */
function runOptions(context: RunContext) {
  return {
    actor: context.event.sender ?? undefined,
    deployId: context.runId,
    lockTimeout: context.inputs.lockTimeout,
    statementTimeout: context.inputs.statementTimeout,
    log: (line: string) => core.info(line),
  };
}

/** The outputs a deploy and a rollback both set: the run's id, its backup and the changelog files. */
function setRunOutputs(id: string, backupUri: string | undefined, files: { json: string; markdown: string }): void {
  core.setOutput('deploy-id', id);
  core.setOutput('backup-uri', backupUri ?? '');
  core.setOutput('changelog-json', files.json);
  core.setOutput('changelog-markdown', files.markdown);
}

/**
 * Run `fn` as a GitHub deployment: created in_progress first (so a crash still shows on the
 * Environments page), finished with the state `finalStatus` gives, or error when `fn` throws.
 */
async function withDeployment<T>(
  context: RunContext,
  task: string,
  description: string,
  finalStatus: (result: T) => { state: 'success' | 'failure'; description: string },
  fn: () => Promise<T>,
): Promise<T> {
  const post = context.post;
  const ref = context.event.headSha ?? process.env.GITHUB_SHA;
  const deployment =
    post && ref
      ? await bestEffort(post, `create the ${context.inputs.environment} deployment`, 'deployments: write', async () => {
          const created = await GitHubDeployment.create(post.client, post.target, {
            ref,
            environment: context.inputs.environment,
            task,
            description,
            payload: { tool: 'drydock', run: context.runId ?? '' },
            logUrl: post.runUrl,
          });
          await created.setStatus('in_progress', description);
          return created;
        })
      : null;
  const finish = (state: 'success' | 'failure' | 'error', text: string) =>
    deployment && post ? bestEffort(post, 'set the deployment status', 'deployments: write', () => deployment.setStatus(state, text)) : null;
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await finish('error', (error as Error).message);
    throw error;
  }
  const status = finalStatus(result);
  await finish(status.state, status.description);
  return result;
}

function deployStatus(result: DeployResult): { state: 'success' | 'failure'; description: string } {
  const applied = result.migrations.filter((m) => m.status === 'applied').length;
  const text = result.outcome === 'up-to-date' ? 'up to date: nothing to apply' : `${result.outcome}: ${applied} migration${applied === 1 ? '' : 's'} applied`;
  return { state: result.exitCode === 0 ? 'success' : 'failure', description: text };
}

function rollbackStatus(result: RollbackResult): { state: 'success' | 'failure'; description: string } {
  const done = result.targets.filter((t) => t.status === 'rolled-back').map((t) => t.version);
  const text = done.length > 0 ? `${result.outcome}: ${done.join(', ')}` : result.refusal ? `${result.outcome}: ${result.refusal}` : result.outcome;
  return { state: result.exitCode === 0 ? 'success' : 'failure', description: text };
}

/** The S3 pg_dump step, or 'none' when the workflow deliberately deploys without a backup. */
function backupStep(backup: BackupInputs, runId: string | undefined): BackupStep | 'none' {
  if (backup.method === 'none') return 'none';
  if (!backup.bucket) {
    throw new DrydockError('backup: pg-dump needs backup-bucket', { fix: 'set backup-bucket (and backup-region or backup-endpoint), or backup: none to deploy without a backup' });
  }
  if (backup.secretAccessKey && !backup.accessKeyId) {
    throw new DrydockError('backup-secret-access-key is set but no access key id', { fix: 'set backup-access-key-id too (or AWS_ACCESS_KEY_ID)' });
  }
  return s3BackupStep({
    // The run id goes into the object key, so the backup is found from the deploy that took it.
    ...(runId ? { version: runId } : {}),
    s3: {
      bucket: backup.bucket,
      prefix: backup.prefix,
      region: backup.region,
      endpoint: backup.endpoint,
      forcePathStyle: backup.forcePathStyle,
      ...(backup.accessKeyId && backup.secretAccessKey ? { credentials: { accessKeyId: backup.accessKeyId, secretAccessKey: backup.secretAccessKey } } : {}),
    },
  });
}

function migrationOf(migrations: ParsedMigration[], path: string, version: string): ParsedMigration {
  const pm = migrations.find((m) => m.migration.path === path) ?? findMigration(migrations, version);
  if (!pm) throw new Error(`deploy applied ${version} (${path}), which is not among the loaded migrations`);
  return pm;
}

/** The run id, with the attempt when the run was re-run, so each attempt is its own deploy in the history. */
function runId(): string | undefined {
  const id = process.env.GITHUB_RUN_ID;
  const attempt = process.env.GITHUB_RUN_ATTEMPT;
  if (!id) return undefined;
  return attempt && attempt !== '1' ? `${id}-${attempt}` : id;
}

function reportDetails(title: string, report: string): string {
  return `<details><summary>${title}</summary>\n\n${codeBlock(redact(report), 'text')}\n\n</details>\n`;
}
