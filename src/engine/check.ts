/**
 * The one engine behind the CLI (`drydock check`) and the Action: discover → parse → analyse →
 * dry run → estimate → report.
 */
import * as path from 'node:path';
import { analyse } from '../analyse';
import { loadConfig } from '../config';
import type { DiscoveredSource } from '../discover/types';
import { exitCodeFor, summarise } from '../report/summary';
import type { Finding, LayoutName, Report, Severity } from '../report/types';
import { TOOL_VERSION } from '../version';
import { addFinding } from '../analyse/findings';
import { findMigration } from '../deploy/versions';
import { DrydockError, formatPosition } from '../util/errors';
import { loadMigrations } from './load';
import type { ParsedMigration } from './types';

export interface CheckOptions {
  /** Repository root or working directory. */
  cwd: string;
  /** Migration directories; empty = auto-detect. */
  dirs: string[];
  layout?: LayoutName;
  /** Git ref: migrations added since it are new. */
  base?: string;
  /** Version already applied in production: later migrations are new, it and earlier ones are history. */
  since?: string;
  /** "static" predicts from the catalog only; "dry-run" traces in an ephemeral Postgres. */
  mode: 'static' | 'dry-run';
  shadowUrl?: string;
  pgVersion?: number;
  /** Production statistics snapshot (drydock snapshot) for estimates. */
  statsFile?: string;
  configPath?: string;
  /** Overrides the config's failOn. */
  failOn?: Severity | 'never';
  setupSqlPath?: string;
  /** Base-schema cache folder; null disables it. */
  cacheDir?: string | null;
  /** Progress lines (stderr in the CLI, the log in the Action). */
  log?: (line: string) => void;
}

export interface CheckResult {
  report: Report;
  /** 0 clean, 1 findings at or above the fail level. */
  exitCode: number;
  failOn: Severity | 'never';
}

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const log = options.log ?? (() => undefined);
  const config = loadConfig(options.cwd, options.configPath);
  const { discovery, migrations } = await loadMigrations({
    cwd: options.cwd,
    dirs: options.dirs,
    layout: options.layout,
    base: options.base,
  });
  if (options.since !== undefined) markNewAfter(migrations, options.since);
  reportBrokenDownScripts(migrations);
  log(describeDiscovery(discovery.sources));

  let server: Report['server'] = null;
  let pgVersion = options.pgVersion ?? config.pgVersion;
  if (options.mode === 'dry-run' && migrations.some((m) => m.migration.isNew)) {
    // Loaded only for a dry run: a static check needs neither node-postgres nor the estimator.
    const { traceAndEstimate } = require('./trace') as typeof import('./trace');
    const setupSql = options.setupSqlPath ?? config.setupSql;
    server = await traceAndEstimate(migrations, {
      shadowUrl: options.shadowUrl,
      pgVersion: options.pgVersion,
      cacheDir: options.cacheDir === undefined ? path.join(options.cwd, '.drydock-cache') : options.cacheDir,
      setupSqlPath: setupSql ? path.resolve(options.cwd, setupSql) : undefined,
      statsPath: options.statsFile ? path.resolve(options.cwd, options.statsFile) : undefined,
      log,
    });
    pgVersion = Math.floor(server.versionNum / 10000);
  }

  analyse(migrations, { pgVersion, config });
  assignMissingIds(migrations);

  const reportMigrations = migrations.map((m) => m.migration);
  const summary = summarise(reportMigrations);
  const failOn = options.failOn ?? config.failOn;
  const report: Report = {
    version: 1,
    tool: { name: 'drydock', version: TOOL_VERSION },
    generatedAt: new Date().toISOString(),
    sources: discovery.sources.map((s) => ({ dir: s.dir, layout: s.layout, migrations: s.migrations.length })),
    base: options.base ?? null,
    mode: server ? 'dry-run' : 'static',
    server,
    migrations: reportMigrations,
    integrity: discovery.integrity,
    summary,
  };
  const integrityFails = discovery.integrity.length > 0 && failOn !== 'never';
  return { report, exitCode: integrityFails ? 1 : exitCodeFor(summary, failOn), failOn };
}

/**
 * Every finding needs a stable id: reviewers acknowledge findings by it (`/drydock ack <id>`).
 * The stages that measure facts raise findings without one; name them like the rules' own:
 * rule@version for the migration, rule@version#statement for a statement, .2, .3… for repeats.
 */
function assignMissingIds(migrations: ParsedMigration[]): void {
  for (const { migration } of migrations) {
    const taken = new Set<string>();
    const all = [...migration.findings, ...migration.statements.flatMap((s) => s.findings)];
    for (const f of all) if (f.id) taken.add(f.id);
    const name = (f: Finding, stem: string) => {
      if (f.id) return;
      let id = stem;
      for (let n = 2; taken.has(id); n++) id = `${stem}.${n}`;
      taken.add(id);
      f.id = id;
    };
    for (const f of migration.findings) name(f, `${f.rule}@${migration.id}`);
    for (const s of migration.statements) for (const f of s.findings) name(f, `${f.rule}@${migration.id}#${s.index}`);
  }
}

/** A new migration whose down script does not parse: its way back is not what the author wrote. */
function reportBrokenDownScripts(migrations: ParsedMigration[]): void {
  for (const m of migrations) {
    if (!m.downError || !m.migration.isNew) continue;
    const position = m.downError.position;
    addFinding(m, null, {
      rule: 'down-script-parse-error',
      severity: 'error',
      message: `The down script does not parse, so it cannot undo this migration: ${m.downError.message}`,
      suggestion: `-- fix ${position ? formatPosition(position) : 'the down script'}:\n${m.downError.details.join('\n')}`,
    });
  }
}

/** `--since V`: everything after version V (in apply order) is new, the rest is history. */
export function markNewAfter(migrations: ParsedMigration[], since: string): void {
  const match = findMigration(migrations, since);
  const index = match ? migrations.indexOf(match) : -1;
  if (index === -1) {
    const known = migrations.map((m) => m.migration.id);
    throw new DrydockError(`--since ${since}: no migration has that version`, {
      fix: `use one of: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ` … ${known[known.length - 1]}` : ''}`,
    });
  }
  migrations.forEach((m, i) => {
    m.migration.isNew = i > index;
    m.file.isNew = i > index;
  });
}

function describeDiscovery(sources: DiscoveredSource[]): string {
  return sources
    .map((s) => `${s.dir}: ${s.layout}, ${s.migrations.length} migrations (${s.migrations.filter((m) => m.isNew).length} new)`)
    .join('\n');
}
