/**
 * Differences between two catalog snapshots as human-readable lines, e.g.
 * "column public.users.email: type character varying(100) → text". Empty when they match.
 */
import type { CatalogSnapshot, ColumnSnapshot, TableSnapshot } from './snapshot';

const COLUMN_FIELDS: (keyof ColumnSnapshot)[] = ['type', 'notNull', 'default', 'identity', 'generated', 'collation'];
const COLUMN_FIELD_LABELS: Record<keyof ColumnSnapshot, string> = {
  type: 'type',
  notNull: 'not null',
  default: 'default',
  identity: 'identity',
  generated: 'generated',
  collation: 'collation',
};

export function diffCatalogs(before: CatalogSnapshot, after: CatalogSnapshot): string[] {
  const lines: string[] = [];
  diffSets('schema', before.schemas, after.schemas, lines);
  diffDefinitions('extension', before.extensions, after.extensions, lines);
  diffKeyed('table', before.tables, after.tables, lines, (name, a, b) => diffTable(name, a, b, lines));
  diffDefinitions('index', before.indexes, after.indexes, lines);
  diffDefinitions('sequence', before.sequences, after.sequences, lines);
  diffDefinitions('view', before.views, after.views, lines);
  diffDefinitions('function', before.functions, after.functions, lines, { summariseChange: true });
  diffDefinitions('type', before.types, after.types, lines);
  return lines;
}

function diffTable(name: string, before: TableSnapshot, after: TableSnapshot, lines: string[]): void {
  if (before.kind !== after.kind) lines.push(`table ${name}: kind ${before.kind} → ${after.kind}`);
  diffKeyed(`column ${name}.`, before.columns, after.columns, lines, (column, a, b) => {
    for (const field of COLUMN_FIELDS) {
      if (a[field] !== b[field]) {
        lines.push(`column ${name}.${column}: ${COLUMN_FIELD_LABELS[field]} ${show(a[field])} → ${show(b[field])}`);
      }
    }
  });
  diffDefinitions(`constraint ${name}.`, before.constraints, after.constraints, lines);
  diffDefinitions(`trigger ${name}.`, before.triggers, after.triggers, lines, { summariseChange: true });
}

/**
 * Added, removed and changed entries of two records. A label ending in "." is a prefix joined to
 * the key without a space ("column public.t." + "id").
 */
function diffKeyed<T>(
  label: string,
  before: Record<string, T>,
  after: Record<string, T>,
  lines: string[],
  compare: (key: string, a: T, b: T) => void,
): void {
  const name = (key: string) => (label.endsWith('.') ? label + key : `${label} ${key}`);
  for (const key of Object.keys(before)) {
    if (!(key in after)) lines.push(`${name(key)}: removed`);
  }
  for (const key of Object.keys(after)) {
    if (!(key in before)) lines.push(`${name(key)}: added`);
  }
  for (const key of Object.keys(before)) {
    if (key in after) compare(key, before[key], after[key]);
  }
}

function diffDefinitions(
  label: string,
  before: Record<string, string>,
  after: Record<string, string>,
  lines: string[],
  options: { summariseChange?: boolean } = {},
): void {
  diffKeyed(label, before, after, lines, (key, a, b) => {
    if (a === b) return;
    const name = label.endsWith('.') ? label + key : `${label} ${key}`;
    // Function bodies and trigger definitions are long: say that they changed, not how.
    lines.push(options.summariseChange ? `${name}: definition changed` : `${name}: ${a} → ${b}`);
  });
}

function diffSets(label: string, before: string[], after: string[], lines: string[]): void {
  const a = new Set(before);
  const b = new Set(after);
  for (const x of before) if (!b.has(x)) lines.push(`${label} ${x}: removed`);
  for (const x of after) if (!a.has(x)) lines.push(`${label} ${x}: added`);
}

function show(value: string | boolean | null): string {
  if (value === null) return '(none)';
  return String(value);
}
