/** The deploy changelog's contract (docs/changelog.md): one entry per applied migration. */

/** schema: DDL (tables, columns, indexes, constraints, functions…); data: DML (UPDATE, INSERT, DELETE, COPY…). */
export type ChangeType = 'schema' | 'data';

export interface ChangelogChange {
  type: ChangeType;
  /** Schema-qualified table the statement changes ("public.orders"); the object's name when it touches no table; null when unknown. */
  table: string | null;
  /** What the statement does, in a line: "add column status text NOT NULL DEFAULT 'pending' to public.orders". */
  description: string;
  /** The SQL that undoes it, "nothing to undo: …", "covered by the down script …" or "irreversible: restore from backup". */
  rollback: string;
}

export interface ChangelogEntry {
  /** The migration's version (its id). */
  version: string;
  /** ISO 8601 time of the deploy. */
  date: string;
  changes: ChangelogChange[];
}

/** What the changelog JSON file holds: the entries plus the facts that identify the deploy. */
export interface DeployChangelog {
  kind: 'deploy';
  deployId: string;
  environment: string;
  outcome: string;
  backup: string | null;
  entries: ChangelogEntry[];
}

/** A rollback's changelog: the markdown entry the rollback module wrote, and what it undid. */
export interface RollbackChangelog {
  kind: 'rollback';
  rollbackId: string;
  environment: string;
  outcome: string;
  backup: string | null;
  /** Versions rolled back, newest first. */
  rolledBack: string[];
  markdown: string;
}
