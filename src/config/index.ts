/**
 * Loads drydock.config.json (or the "drydock" key of package.json), validates every key and value,
 * and fills defaults. Anything wrong is a DrydockError naming the file and the bad key (exit 2).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES, findRule } from '../analyse/rules/registry';
import { SEVERITIES, Severity } from '../report/types';
import { DrydockError } from '../util/errors';
import { DEFAULT_PG_VERSION, DrydockConfig, ResolvedConfig, RuleConfig } from './types';

export type { DrydockConfig, ResolvedConfig, RuleConfig } from './types';
export { DEFAULT_PG_VERSION } from './types';

const CONFIG_FILE = 'drydock.config.json';
const KEYS = new Set(['$schema', 'pgVersion', 'failOn', 'rules', 'runnerTimeouts', 'setupSql']);
const MIN_VERSION = 10;
const MAX_VERSION = 18;

export function loadConfig(cwd: string, explicitPath?: string): ResolvedConfig {
  const found = explicitPath ? readExplicit(path.resolve(cwd, explicitPath)) : readImplicit(cwd);
  // A file holding `null` is a bad config, not an absent one.
  return resolveConfig(found ? found.config : {}, found?.source ?? 'defaults');
}

/** Validate a raw configuration object and apply defaults; `source` names it in errors. */
export function resolveConfig(raw: unknown, source: string): ResolvedConfig {
  const fail = (key: string, problem: string, fix: string): never => {
    throw new DrydockError(`${key} ${problem}`, { position: { path: source }, fix });
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail('configuration', 'must be a JSON object', 'write { "pgVersion": 15, … }');
  const config = raw as DrydockConfig & Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!KEYS.has(key)) fail(`"${key}"`, 'is not a drydock setting', `use one of: ${[...KEYS].filter((k) => k !== '$schema').join(', ')}`);
  }

  const pgVersion = config.pgVersion ?? DEFAULT_PG_VERSION;
  if (!Number.isInteger(pgVersion) || pgVersion < MIN_VERSION || pgVersion > MAX_VERSION) {
    fail('"pgVersion"', `is ${JSON.stringify(config.pgVersion)}`, `use a PostgreSQL major version from ${MIN_VERSION} to ${MAX_VERSION}, e.g. 15`);
  }

  const failOn = config.failOn ?? 'error';
  if (failOn !== 'never' && !SEVERITIES.includes(failOn as Severity)) {
    fail('"failOn"', `is ${JSON.stringify(config.failOn)}`, 'use "error", "warning", "info" or "never"');
  }

  const rules: ResolvedConfig['rules'] = {};
  for (const r of RULES) rules[r.id] = { enabled: true, severity: r.severity };
  if (config.rules !== undefined) {
    if (!config.rules || typeof config.rules !== 'object' || Array.isArray(config.rules)) fail('"rules"', 'must be an object keyed by rule id', 'e.g. { "prefer-identity": false }');
    for (const [id, setting] of Object.entries(config.rules)) {
      if (!findRule(id)) fail(`"rules.${id}"`, 'names no drydock rule', `use one of: ${suggestRule(id)}`);
      rules[id] = { ...applyRuleSetting(rules[id], setting, `rules.${id}`, fail), configured: true };
    }
  }

  const timeouts = config.runnerTimeouts ?? {};
  if (typeof timeouts !== 'object' || Array.isArray(timeouts)) fail('"runnerTimeouts"', 'must be an object', 'e.g. { "lockTimeout": "5s", "statementTimeout": "60s" }');
  for (const key of Object.keys(timeouts)) {
    if (key !== 'lockTimeout' && key !== 'statementTimeout') fail(`"runnerTimeouts.${key}"`, 'is not a setting', 'use lockTimeout or statementTimeout');
    const value = (timeouts as Record<string, unknown>)[key];
    if (typeof value !== 'string' || !/^\d+\s*(us|ms|s|min|h|d)?$/.test(value.trim())) {
      fail(`"runnerTimeouts.${key}"`, `is ${JSON.stringify(value)}`, 'use a PostgreSQL duration such as "5s" or "500ms"');
    }
  }

  if (config.setupSql !== undefined && (typeof config.setupSql !== 'string' || config.setupSql === '')) {
    fail('"setupSql"', 'must be the path of a SQL file', 'e.g. "db/setup.sql"');
  }

  return {
    pgVersion,
    failOn,
    rules,
    runnerTimeouts: { lockTimeout: nonZero(timeouts.lockTimeout), statementTimeout: nonZero(timeouts.statementTimeout) },
    ...(config.setupSql ? { setupSql: config.setupSql } : {}),
    source,
  };
}

function applyRuleSetting(
  current: { enabled: boolean; severity: Severity },
  setting: unknown,
  key: string,
  fail: (key: string, problem: string, fix: string) => never,
): { enabled: boolean; severity: Severity } {
  if (typeof setting === 'boolean') return { ...current, enabled: setting };
  if (typeof setting === 'string' && (SEVERITIES as readonly string[]).includes(setting)) return { enabled: true, severity: setting as Severity };
  if (setting === 'off') return { ...current, enabled: false };
  if (!setting || typeof setting !== 'object' || Array.isArray(setting)) {
    return fail(`"${key}"`, `is ${JSON.stringify(setting)}`, 'use true, false, "off", a severity, or { "enabled": bool, "severity": "error" | "warning" | "info" }');
  }
  const s = setting as RuleConfig & Record<string, unknown>;
  for (const k of Object.keys(s)) if (k !== 'enabled' && k !== 'severity') fail(`"${key}.${k}"`, 'is not a rule setting', 'use "enabled" or "severity"');
  if (s.enabled !== undefined && typeof s.enabled !== 'boolean') fail(`"${key}.enabled"`, `is ${JSON.stringify(s.enabled)}`, 'use true or false');
  if (s.severity !== undefined && !SEVERITIES.includes(s.severity)) fail(`"${key}.severity"`, `is ${JSON.stringify(s.severity)}`, 'use "error", "warning" or "info"');
  return { enabled: s.enabled ?? current.enabled, severity: s.severity ?? current.severity };
}

function nonZero(value: string | undefined): string | null {
  return value === undefined || /^0+\s*(us|ms|s|min|h|d)?$/.test(value.trim()) ? null : value.trim();
}

/** Closest rule ids first, so a typo's fix is on screen. */
function suggestRule(id: string): string {
  const scored = RULES.map((r) => ({ id: r.id, score: sharedPrefix(id, r.id) + (r.id.includes(id) || id.includes(r.id) ? 10 : 0) }));
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, 5).map((r) => r.id).join(', ') + ' … (docs/rules/)';
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function readExplicit(file: string): { config: unknown; source: string } {
  if (!fs.existsSync(file)) throw new DrydockError(`config file ${file} does not exist`, { position: { path: file }, fix: 'pass an existing file to --config' });
  const parsed = readJson(file);
  if (path.basename(file) === 'package.json') {
    const section = (parsed as Record<string, unknown>)?.drydock;
    if (section === undefined) throw new DrydockError(`${file} has no "drydock" key`, { position: { path: file }, fix: 'add a "drydock": { … } section or use drydock.config.json' });
    return { config: section, source: `${file} "drydock"` };
  }
  return { config: parsed, source: file };
}

function readImplicit(cwd: string): { config: unknown; source: string } | null {
  const file = path.join(cwd, CONFIG_FILE);
  if (fs.existsSync(file)) return { config: readJson(file), source: file };
  const pkg = path.join(cwd, 'package.json');
  if (fs.existsSync(pkg)) {
    const section = (readJson(pkg) as Record<string, unknown> | null)?.drydock;
    if (section !== undefined) return { config: section, source: `${pkg} "drydock"` };
  }
  return null;
}

function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = errorOffset(text, message);
    const position = offset === null ? {} : lineColumn(text, offset);
    throw new DrydockError(`${file} is not valid JSON: ${message}`, { position: { path: file, ...position }, fix: 'fix the JSON syntax (no comments or trailing commas)' });
  }
}

/**
 * Offset of a JSON.parse error. Node reports "position N" for some errors; for an unexpected token
 * it quotes the text around it instead, with exactly 10 characters before the token when the quote
 * starts with "...".
 */
function errorOffset(text: string, message: string): number | null {
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  const quoted = /Unexpected token '([^']+)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON/.exec(message);
  if (!quoted) return null;
  const [, token, truncatedStart, context] = quoted;
  const start = text.indexOf(context);
  if (start === -1) return null;
  return start + (truncatedStart ? 10 : context.indexOf(token));
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
