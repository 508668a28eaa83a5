#!/usr/bin/env node
/**
 * The drydock side of `npm run bench:lint`: discover a migration folder, parse every up script,
 * run the static analysis, and print one JSON document (findings + per-statement facts the
 * comparison needs) to stdout. Runs from the compiled lib/ (npx tsc -p tsconfig.json).
 *
 * Without `--facts` it prints only the findings, as squawk prints only its warnings: that is the
 * timed run. With `--facts` it adds the per-statement facts bench/lint-compare.js needs to say why
 * drydock stayed quiet (one extra, untimed run).
 *
 * Each migration is judged as its own change (like squawk, which lints each file alone): tables
 * created by earlier migrations count as existing, tables created earlier in the same file as new.
 */
const started = performance.now();
const path = require('node:path');
const lib = path.join(__dirname, '..', 'lib');
const { discover } = require(path.join(lib, 'discover'));
const { loadParser } = require(path.join(lib, 'parse', 'parser'));
const { parseMigration } = require(path.join(lib, 'engine', 'load'));
const { analyse } = require(path.join(lib, 'analyse'));
const { loadConfig } = require(path.join(lib, 'config'));

async function main() {
  const phases = { startup: performance.now() - started };
  let mark = performance.now();
  const lap = (name) => {
    phases[name] = performance.now() - mark;
    mark = performance.now();
  };
  const [dirArg, versionArg] = process.argv.slice(2).filter((a) => a !== '--facts');
  const withFacts = process.argv.includes('--facts');
  const dir = path.resolve(dirArg);
  const pgVersion = Number(versionArg ?? 15);
  const [discovery] = await Promise.all([discover({ cwd: dir, dirs: ['.'] }), loadParser()]);
  lap('discover + load parser');
  const migrations = discovery.migrations
    .filter((file) => file.direction === 'up')
    .map((file) => {
      // Up scripts only, like squawk: the static analysis never reads the down script.
      const pm = parseMigration({ ...file, down: null });
      pm.migration.isNew = true;
      return pm;
    });
  lap('parse (libpg-query parse + scan)');
  // Each migration's statement views, by statement index (for the facts the comparison needs).
  const context = new Map();
  const onStatement = !withFacts ? undefined : (migration, s) => {
    let views = context.get(migration);
    if (!views) context.set(migration, (views = []));
    views[s.index] = s;
  };
  analyse(migrations, { pgVersion, config: loadConfig(dir), eachMigrationIsOwnChange: true, onStatement });
  lap('analyse');
  const out = migrations.map(({ migration }) =>
    withFacts ? withStatementFacts(migration, context) : { path: migration.path, findings: [...migration.findings, ...migration.statements.flatMap((s) => s.findings)].map(brief) },
  );
  process.stdout.write(JSON.stringify(out));
  // Phase timings for bench/lint.js, on stderr so stdout stays the findings document.
  process.stderr.write(JSON.stringify({ phases }) + '\n');
}

function withStatementFacts(migration, context) {
  return {
    path: migration.path,
    findings: migration.findings.map(brief),
    statements: migration.statements.map((s) => ({
      line: s.line,
      endLine: s.endLine,
      kind: s.kind,
      locks: s.locks.map((l) => `${l.relation}:${l.mode}`),
      rewrites: s.rewrites.map((r) => r.relation),
      findings: s.findings.map(brief),
      ...facts(context.get(migration)?.[s.index]),
    })),
  };
}

/** What the comparison needs to say why drydock stayed quiet. */
function facts(view) {
  if (!view) return {};
  return {
    fresh: [...view.fresh],
    effects: view.prediction.effects.map((e) => `${e.code}@${e.relation}`),
    populated: [...view.populated],
    lockTimeout: view.timeouts.lockTimeout,
    statementTimeout: view.timeouts.statementTimeout,
  };
}

function brief(f) {
  return { rule: f.rule, severity: f.severity, line: f.line, message: f.message, suppressed: Boolean(f.suppressed) };
}

main().catch((error) => {
  process.stderr.write((error && error.format ? error.format() : String(error && error.stack)) + '\n');
  process.exit(2);
});
