/**
 * The changelog as Markdown: for the job summary, the comment on each merged PR and CHANGELOG.md.
 * Everything from the migrations (names, SQL) goes through the report's escaping, so it renders as
 * inert text: no HTML, no mentions, no broken code spans, and secrets redacted.
 */
import { code, inline } from '../report/markdown/escape';
import { rollbackIsSql } from './entries';
import type { ChangelogEntry, DeployChangelog } from './types';

export interface EntryLabels {
  /** version → "db/migrations/3_add_order_status.up.sql", shown next to the version. */
  paths?: Map<string, string>;
}

/** "## Deploy 4242 to production: applied (2025-05-01)" and one section per migration. */
export function deployMarkdown(changelog: DeployChangelog, labels: EntryLabels = {}, headingLevel = 2): string {
  const date = changelog.entries[0]?.date.slice(0, 10) ?? '';
  const heading = `${'#'.repeat(headingLevel)} Deploy ${inline(changelog.deployId)} to ${inline(changelog.environment)}: ${inline(changelog.outcome)}${date ? ` (${date})` : ''}`;
  const lines = [heading, ''];
  if (changelog.backup) lines.push(`Backup before the deploy: ${code(changelog.backup)}`, '');
  if (changelog.entries.length === 0) lines.push('No migration was applied.');
  lines.push(entriesMarkdown(changelog.entries, labels, headingLevel + 1));
  return lines.join('\n').trimEnd() + '\n';
}

/** One section per entry: the migration, then each change with its way back. */
export function entriesMarkdown(entries: ChangelogEntry[], labels: EntryLabels, headingLevel: number): string {
  const out: string[] = [];
  for (const entry of entries) {
    const path = labels.paths?.get(entry.version);
    out.push(`${'#'.repeat(headingLevel)} ${inline(entry.version)}${path ? ` · ${code(path)}` : ''}`, '');
    if (entry.changes.length === 0) out.push('- no schema or data change (session settings only)');
    for (const change of entry.changes) {
      const table = change.table ? ` ${code(change.table)}` : '';
      out.push(`- **${change.type}**${table}: ${inline(change.description)}`);
      out.push(`  - rollback: ${rollbackIsSql(change.rollback) ? code(change.rollback) : inline(change.rollback)}`);
    }
    out.push('');
  }
  return out.join('\n');
}
