/** Shared wording for rule messages: lock descriptions and SQL snippets with the user's names. */
import type { LockMode } from '../../report/types';
import { type Node, list, typeSql, unwrap, walk } from '../ast';
import { describeBlocks, blocksOf, lockRank } from '../catalog';
import type { StatementView } from './types';
import { quoteIdent, quoteQualified } from '../../parse/quote';

const MODE_SQL: Record<LockMode, string> = {
  AccessShareLock: 'ACCESS SHARE',
  RowShareLock: 'ROW SHARE',
  RowExclusiveLock: 'ROW EXCLUSIVE',
  ShareUpdateExclusiveLock: 'SHARE UPDATE EXCLUSIVE',
  ShareLock: 'SHARE',
  ShareRowExclusiveLock: 'SHARE ROW EXCLUSIVE',
  ExclusiveLock: 'EXCLUSIVE',
  AccessExclusiveLock: 'ACCESS EXCLUSIVE',
};

export function modeName(mode: LockMode): string {
  return MODE_SQL[mode];
}

/** "takes ACCESS EXCLUSIVE on public.users (blocks reads and writes)". */
export function lockPhrase(relation: string, mode: LockMode): string {
  return `takes ${modeName(mode)} on ${relation} (${describeBlocks(blocksOf(mode))})`;
}

/** Relations that come with a table: listed after the tables, summed up past the first few. */
const SECONDARY_KINDS = new Set(['index', 'partitioned index', 'sequence', 'toast table']);

export interface NamedLock {
  relation: string;
  mode: LockMode;
  relkind?: string;
  /** Appended to the entry, e.g. "(line 3)". */
  note?: string;
}

/**
 * Locks as a reviewer reads them: the strongest mode per relation, tables before the indexes and
 * sequences that come with them, at most `max` named: "ACCESS EXCLUSIVE on public.users, ACCESS
 * EXCLUSIVE on public.users_pkey (+3 more indexes and sequences)". `tables` counts the table-like
 * relations, for the wording around the list.
 */
export function lockList(locks: readonly NamedLock[], max = 4): { text: string; tables: number } {
  const strongest = new Map<string, NamedLock>();
  for (const l of locks) {
    const before = strongest.get(l.relation);
    if (!before || lockRank(l.mode) > lockRank(before.mode)) strongest.set(l.relation, l);
  }
  const all = [...strongest.values()];
  const secondary = (l: NamedLock) => SECONDARY_KINDS.has(l.relkind ?? '');
  const ordered = [...all.filter((l) => !secondary(l)), ...all.filter(secondary)];
  const shown = ordered.slice(0, max).map((l) => `${modeName(l.mode)} on ${l.relation}${l.note ? ` ${l.note}` : ''}`);
  const hidden = ordered.slice(max);
  const more = hidden.length === 0 ? '' : hidden.every(secondary) ? ` (+${hidden.length} more indexes and sequences)` : ` (+${hidden.length} more)`;
  return { text: shown.join(', ') + more, tables: all.filter((l) => !secondary(l)).length };
}

/**
 * A relation ("public.users", "app.Orders") as SQL that reads like the user's own: without the
 * public schema, quoted where PostgreSQL needs it (`"Recipient"`, `app."Orders"`).
 */
export function sqlName(relation: string): string {
  const dot = relation.indexOf('.');
  if (dot === -1) return quoteIdent(relation);
  const schema = relation.slice(0, dot);
  return schema === 'public' ? quoteIdent(relation.slice(dot + 1)) : quoteQualified(schema, relation.slice(dot + 1));
}

/** The relation's own name, unquoted, for deriving other names from it ("public.Recipient" → Recipient). */
export function bareName(relation: string): string {
  return relation.slice(relation.indexOf('.') + 1);
}

/** The statement's constraint of one of these kinds (CONSTR_FOREIGN, …): the one named `name` if there is one, else the first. */
export function constraintNode(s: StatementView, contypes: readonly string[], name: string | undefined): Node | undefined {
  let found: Node | undefined;
  walk(s.parsed.ast, (kind, node) => {
    if (kind !== 'Constraint' || !contypes.includes(node.contype as string)) return;
    if (!found || (name !== undefined && node.conname === name)) found = node;
  });
  return found;
}

/** Another relation in the same schema: sibling("app.users", "accounts") → "app.accounts". */
export function sibling(relation: string, name: string): string {
  return relation.slice(0, relation.indexOf('.') + 1) + name;
}

/** A column list as the catalog effects carry it ("a, b") as SQL: each name quoted where needed. */
export function columnsSql(columns: string): string {
  return columns.split(/,\s*/).map(quoteIdent).join(', ');
}

/** Leading text of the statement, one line, for messages about other statements. */
export function excerpt(s: StatementView, max = 60): string {
  const flat = s.parsed.sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

export function where(s: StatementView): string {
  return `line ${s.parsed.line}`;
}

/** Statement SQL with the extra keyword inserted after the leading words, e.g. CONCURRENTLY. */
export function insertKeyword(sql: string, after: RegExp, keyword: string): string {
  return after.test(sql) ? sql.replace(after, (m) => `${m} ${keyword}`) : `${keyword} ${sql}`;
}

/** The statement's ALTER TABLE subcommands (none for other statements). */
function alterCommands(s: StatementView): Node[] {
  const statement = unwrap(s.parsed.ast, 'AlterTableStmt');
  return list(statement?.cmds)
    .map((c) => unwrap(c, 'AlterTableCmd'))
    .filter((c): c is Node => c !== undefined);
}

/** The type this statement gives `column` (ALTER COLUMN … TYPE, ADD COLUMN), as SQL: for safe alternatives. */
export function columnTypeIn(s: StatementView, column: string): string | undefined {
  for (const cmd of alterCommands(s)) {
    const def = unwrap(cmd.def, 'ColumnDef');
    if (cmd.subtype === 'AT_AlterColumnType' && cmd.name === column) return typeSql(def?.typeName);
    if (cmd.subtype === 'AT_AddColumn' && def?.colname === column) return typeSql(def.typeName);
  }
  return undefined;
}
