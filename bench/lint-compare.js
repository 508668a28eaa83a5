/**
 * Compares squawk's findings with drydock's on the same files: which squawk alarm drydock also
 * raises (same file, same statement, equivalent rule), and for the others, why drydock stays quiet.
 */

/** squawk rule → the drydock rules that cover the same danger. Empty: drydock deliberately has none. */
const EQUIVALENT = {
  'prefer-robust-stmts': ['prefer-robust-statements'],
  'require-concurrent-index-creation': ['require-concurrent-index'],
  'require-concurrent-index-deletion': ['require-concurrent-index-drop'],
  'require-concurrent-reindex': ['require-concurrent-reindex'],
  'prefer-bigint-over-int': ['prefer-bigint-key'],
  'prefer-bigint-over-smallint': ['prefer-bigint-key'],
  'require-lock-timeout': ['require-lock-timeout'],
  'require-statement-timeout': ['require-statement-timeout'],
  'renaming-column': ['rename-column'],
  'renaming-table': ['rename-table'],
  'ban-drop-column': ['drop-column'],
  'ban-drop-table': ['drop-table'],
  'constraint-missing-not-valid': ['constraint-missing-not-valid', 'foreign-key-not-valid', 'validate-in-same-transaction', 'unique-constraint-build'],
  'adding-foreign-key-constraint': ['foreign-key-not-valid'],
  'changing-column-type': ['unsafe-type-change'],
  'prefer-identity': ['prefer-identity'],
  'prefer-timestamp-tz': ['prefer-timestamptz'],
  'prefer-text-field': ['prefer-text-over-varchar'],
  'adding-not-nullable-field': ['set-not-null-scan'],
  'adding-serial-primary-key-field': ['unique-constraint-build'],
  'disallowed-unique-constraint': ['unique-constraint-build'],
  'adding-field-with-default': ['column-default-rewrite'],
  'adding-required-field': ['add-required-column'],
  'identifier-too-long': ['identifier-too-long'],
  'ban-char-field': ['char-type'],
  'require-enum-value-ordering': [],
  'ban-drop-not-null': [],
};

/** squawk rules that flag a lock, rewrite or breaking change (the rest are style or robustness advice). */
const DANGER = new Set([
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
  'require-concurrent-reindex',
  'constraint-missing-not-valid',
  'adding-foreign-key-constraint',
  'changing-column-type',
  'adding-not-nullable-field',
  'adding-serial-primary-key-field',
  'disallowed-unique-constraint',
  'adding-field-with-default',
  'adding-required-field',
  'renaming-column',
  'renaming-table',
  'ban-drop-column',
  'ban-drop-table',
]);

const TRAFFIC = /:(ShareLock|ShareRowExclusiveLock|ExclusiveLock|AccessExclusiveLock)$/;

/**
 * @param squawk squawk JSON findings ({file, line (0-based), rule_name, message})
 * @param drydock lint-drydock.js output
 * @param root absolute corpus directory (squawk paths are absolute, drydock's are relative)
 */
function compare(squawk, drydock, root) {
  const byPath = new Map(drydock.map((m) => [m.path, m]));
  const rows = [];
  for (const f of squawk) {
    const rel = f.file.startsWith(root) ? f.file.slice(root.length).replace(/^\//, '') : f.file;
    const migration = byPath.get(rel);
    const line = f.line + 1;
    const statement = migration?.statements.find((s) => s.line <= line && line <= s.endLine) ?? migration?.statements.find((s) => s.line >= line);
    const equivalent = EQUIVALENT[f.rule_name];
    const own = statement ? statement.findings.filter((x) => !x.suppressed).map((x) => x.rule) : [];
    let outcome;
    if (equivalent === undefined) outcome = 'no equivalent rule (unmapped)';
    else if (equivalent.some((r) => own.includes(r))) outcome = 'raised';
    else outcome = whyQuiet(f.rule_name, statement, migration, equivalent);
    rows.push({ squawk: f, rule: f.rule_name, path: rel, line, outcome, danger: DANGER.has(f.rule_name) });
  }
  return rows;
}

function whyQuiet(rule, statement, migration, equivalent) {
  if (equivalent.length === 0) {
    return rule === 'ban-drop-not-null'
      ? 'not a danger: relaxing NOT NULL breaks no writer and takes a brief lock'
      : 'not a danger: ADD VALUE without BEFORE/AFTER appends; order only matters for ORDER BY on the enum';
  }
  if (!statement) return 'statement not found (bug?)';
  const effects = (statement.effects ?? []).map((e) => e.split('@')[0]);
  const onNewTable = (codes) =>
    (statement.effects ?? []).some((e) => codes.includes(e.split('@')[0]) && statement.fresh.includes(e.split('@')[1]));
  const touched = statement.locks.map((l) => l.split(':')[0]);
  const allFresh = statement.fresh.length > 0 && touched.every((r) => statement.fresh.includes(r));
  const creates = ['CreateStmt', 'CreateTableAsStmt', 'ViewStmt'].includes(statement.kind) && !statement.locks.some((l) => TRAFFIC.test(l));
  const coveredElsewhere = migration.statements.some((s) => s !== statement && s.findings.some((x) => equivalent.includes(x.rule)));
  switch (rule) {
    case 'require-lock-timeout':
    case 'require-statement-timeout': {
      const setting = rule === 'require-lock-timeout' ? statement.lockTimeout : statement.statementTimeout;
      if (setting) return 'timeout already set earlier in the file';
      if (!statement.locks.some((l) => TRAFFIC.test(l) && !statement.fresh.includes(l.split(':')[0]))) return 'no lock that blocks traffic on a pre-existing table';
      if (coveredElsewhere) return 'one finding per transaction (reported at its first blocking statement)';
      return rule === 'require-statement-timeout' ? 'no slow work (scan, rewrite, backfill) under a blocking lock' : 'other (check)';
    }
    case 'prefer-robust-stmts':
      return 'migration runs in one transaction: a failure rolls back, a re-run is safe';
    case 'prefer-bigint-over-int':
    case 'prefer-bigint-over-smallint':
      return 'not a primary-key or identity column (only keys run out of values)';
    default:
      break;
  }
  const perRule = {
    'adding-not-nullable-field': ['set-not-null-scan'],
    'adding-serial-primary-key-field': ['add-primary-key', 'add-column-identity', 'add-column-serial'],
    'disallowed-unique-constraint': ['add-unique'],
    'adding-field-with-default': ['add-column-identity', 'add-column-serial', 'add-column-volatile-default', 'add-column-generated-stored'],
    'constraint-missing-not-valid': ['add-check', 'add-unique', 'add-primary-key'],
    'adding-foreign-key-constraint': ['add-fk'],
  }[rule];
  if (perRule && onNewTable(perRule)) {
    const held = migration.statements.some((s) => s.findings.some((x) => x.rule === 'lock-held-during-slow-work'));
    return `table created in the same migration${statement.populated.length ? ' from existing rows: blocks no running code' : ' (empty)'}${held ? '; its duration is in lock-held-during-slow-work' : ''}`;
  }
  if (allFresh || creates) return 'table created earlier in the same migration (empty, unused by running code)';
  if (rule === 'adding-field-with-default' && effects.includes('add-column-default')) return 'non-volatile default: no rewrite on PostgreSQL 11+';
  if (rule === 'adding-field-with-default' && effects.includes('add-column-generated-virtual')) return 'virtual generated column: no rewrite';
  if (rule === 'changing-column-type' && effects.includes('alter-type-no-rewrite')) return 'binary-coercible type change: no rewrite';
  if (rule === 'adding-not-nullable-field' && effects.includes('set-not-null-proven')) return 'column already proven non-null (valid CHECK on PostgreSQL 12+, or NOT NULL already)';
  if ((rule === 'adding-foreign-key-constraint' || rule === 'constraint-missing-not-valid') && effects.some((e) => /not-valid$/.test(e))) return 'constraint is NOT VALID (no scan)';
  const newNullColumn = effects.includes('add-column-fk-parent') || (effects.includes('add-column') && !effects.includes('add-column-fk'));
  if ((rule === 'adding-foreign-key-constraint' || rule === 'constraint-missing-not-valid') && newNullColumn) return 'FK on a new all-NULL column: nothing to validate (brief lock, covered by require-lock-timeout)';
  if (rule === 'constraint-missing-not-valid' && effects.some((e) => /using-index$/.test(e))) return 'constraint USING an existing index: no build, no scan';
  if (rule === 'constraint-missing-not-valid' && effects.includes('validate-constraint')) return 'VALIDATE CONSTRAINT itself (SHARE UPDATE EXCLUSIVE, blocks no traffic)';
  return 'other (check)';
}

module.exports = { compare, EQUIVALENT, DANGER };
