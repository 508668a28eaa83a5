/** Shared wording for rule messages: lock descriptions and SQL snippets with the user's names. */
import type { LockMode } from '../../report/types';
import { describeBlocks, blocksOf } from '../catalog';
import type { StatementView } from './types';

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

/** "public.users" → "users" when in public, for SQL that reads like the user's own. */
export function sqlName(relation: string): string {
  return relation.startsWith('public.') ? relation.slice('public.'.length) : relation;
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
