/**
 * The real-world corpora (../shared/corpora beside the project, absent in a user's clone) loaded as the engine
 * would: discovery, then parsing. A down script that does not parse (ente has one) is dropped
 * instead of failing the load: the replay needs the up scripts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discover } from '../../src/discover';
import { parseMigration } from '../../src/engine/load';
import type { ParsedMigration } from '../../src/engine/types';
import { loadParser } from '../../src/parse/parser';

export const CORPORA_ROOT = process.env.DRYDOCK_CORPORA ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'corpora');

export function corpusAvailable(name: string): boolean {
  return fs.existsSync(path.join(CORPORA_ROOT, name));
}

export async function loadCorpus(name: string, dir: string): Promise<ParsedMigration[]> {
  await loadParser();
  const discovery = await discover({ cwd: path.join(CORPORA_ROOT, name), dirs: [dir] });
  return discovery.migrations.map((file) => {
    try {
      return parseMigration(file);
    } catch {
      return parseMigration({ ...file, down: null });
    }
  });
}

/** Everything before the last `count` migrations is history; the last `count` are new. */
export function markLastNew(migrations: ParsedMigration[], count: number): ParsedMigration[] {
  migrations.forEach((m, i) => {
    const isNew = i >= migrations.length - count;
    m.migration.isNew = isNew;
    m.file.isNew = isNew;
  });
  return migrations;
}

/** diesel's own history table, which lemmy's forbid_diesel_cli migration expects. */
export const LEMMY_SETUP_SQL = `CREATE TABLE __diesel_schema_migrations (
  version varchar(50) PRIMARY KEY NOT NULL,
  run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);`;
