/**
 * Discovery over the real-world corpora: exact migration counts per layout, and every statement of
 * every up and down script parses with positions that point at its text in the original file. In
 * every script drydock's comment lexer finds exactly the comments libpg-query's scanner finds.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { discover } from '../../src/discover';
import type { DiscoveryResult } from '../../src/discover/types';
import { scanComments } from '../../src/parse/comments';
import { loadParser, parseSql, scannerComments } from '../../src/parse/parser';
import { DrydockError } from '../../src/util/errors';

const CORPORA = path.resolve(__dirname, '../../../shared/corpora');

interface Script {
  path: string;
  absPath: string;
  sql: string;
  sqlStartLine: number;
}

/** String offset of a 1-based line and a 1-based column counted in code points. */
function offsetOf(text: string, lineStarts: number[], line: number, column: number): number {
  let offset = lineStarts[line - 1];
  for (let c = 1; c < column; c++) offset += text.codePointAt(offset)! >= 0x10000 ? 2 : 1;
  return offset;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Parses a script and checks each statement's reported position against the file on disk. */
function expectStatementsAtTheirPositions(script: Script): number {
  const parsed = parseSql(script.sql, script.path, { lineOffset: script.sqlStartLine - 1 });
  const file = readFileSync(script.absPath, 'utf8');
  const lineStarts = lineStartsOf(file);
  for (const statement of parsed.statements) {
    const at = offsetOf(file, lineStarts, statement.line, statement.column);
    if (file.slice(at, at + statement.sql.length) !== statement.sql) {
      throw new Error(`${script.path}:${statement.line}:${statement.column}: statement ${statement.index} is not at its reported position`);
    }
  }
  return parsed.statements.length;
}

/** Parses every up and down script; returns the statement count and the paths that do not parse. */
function parseEverything(result: DiscoveryResult): { statements: number; unparsable: string[] } {
  let statements = 0;
  const unparsable: string[] = [];
  for (const migration of result.migrations) {
    for (const script of [migration, migration.down]) {
      if (!script) continue;
      expect({ path: script.path, ...scanComments(script.sql) }).toEqual({ path: script.path, ...scannerComments(script.sql) });
      try {
        statements += expectStatementsAtTheirPositions(script);
      } catch (error) {
        if (!(error instanceof DrydockError)) throw error;
        unparsable.push(error.format().split('\n')[0]);
      }
    }
  }
  return { statements, unparsable };
}

const corpus = (relative: string) => discover({ dirs: [relative], cwd: CORPORA });

if (!existsSync(CORPORA)) {
  test('corpus discovery', () => {
    console.log(`skipping the corpus discovery tests: ${CORPORA} is absent (the corpora live outside the repository)`);
  });
} else {
  describe('discovery over the real-world corpora', () => {
    beforeAll(loadParser);

    it('lemmy: 342 diesel migrations, each with a down script; discovery + parse timed', async () => {
      const started = performance.now();
      const result = await corpus('lemmy/migrations');
      const discovered = performance.now();
      const { statements, unparsable } = parseEverything(result);
      const parsed = performance.now();
      console.log(
        `lemmy: discovered ${result.migrations.length} migrations in ${(discovered - started).toFixed(0)} ms, ` +
          `parsed and position-checked ${statements} statements (up + down) in ${(parsed - discovered).toFixed(0)} ms`,
      );
      expect(result.sources.map((s) => [s.dir, s.layout])).toEqual([['lemmy/migrations', 'diesel']]);
      expect(result.migrations).toHaveLength(342);
      expect(result.migrations.every((m) => m.down !== null)).toBe(true);
      expect(result.migrations[0]).toMatchObject({ id: '00000000000000', description: 'diesel_initial_setup' });
      expect(unparsable).toEqual([]);
    });

    it('documenso: 163 Prisma migrations without downs', async () => {
      const result = await corpus('documenso/packages/prisma/migrations');
      expect(result.sources.map((s) => s.layout)).toEqual(['prisma']);
      expect(result.migrations).toHaveLength(163);
      expect(result.migrations.every((m) => m.down === null)).toBe(true);
      expect(parseEverything(result).unparsable).toEqual([]);
    });

    it('ente: 124 golang-migrate migrations with downs, paired by version even where names differ', async () => {
      const result = await corpus('ente/server/migrations');
      expect(result.sources.map((s) => s.layout)).toEqual(['golang-migrate']);
      expect(result.migrations).toHaveLength(124);
      expect(result.migrations.map((m) => m.id)).toEqual(Array.from({ length: 124 }, (_, i) => String(i + 1)));
      expect(result.migrations.every((m) => m.down !== null)).toBe(true);
      const v30 = result.migrations[29];
      expect([v30.path, v30.down?.path]).toEqual([
        'ente/server/migrations/30_add_magic_metadata.up.sql',
        'ente/server/migrations/30_drop_magic_metadata.down.sql',
      ]);
      // Two upstream down scripts are invalid SQL: missing commas between ALTER TABLE actions, and
      // DROP INDEX IF NOT EXISTS. They fail the same way in PostgreSQL itself.
      expect(parseEverything(result).unparsable).toEqual([
        'ente/server/migrations/3_add_encypted_collection_name.down.sql:3:5: SQL does not parse: syntax error at or near "DROP"',
        'ente/server/migrations/44_trash_add_index.down.sql:1:15: SQL does not parse: syntax error at or near "NOT"',
      ]);
    });

    it('marquez: 81 versioned Flyway migrations plus 3 repeatables last', async () => {
      const result = await corpus('marquez/api/src/main/resources/marquez/db/migration');
      expect(result.sources.map((s) => s.layout)).toEqual(['flyway']);
      const versioned = result.migrations.filter((m) => m.direction === 'up');
      const repeatable = result.migrations.filter((m) => m.direction === 'repeatable');
      expect(versioned).toHaveLength(81);
      expect(repeatable).toHaveLength(3);
      expect(result.migrations.slice(-3)).toEqual(repeatable);
      expect(versioned.slice(0, 4).map((m) => m.id)).toEqual(['1', '2', '2.1', '3']);
      const ids = versioned.map((m) => m.id);
      expect(ids.indexOf('17.2')).toBe(ids.indexOf('17.1') + 1);
      expect(ids.indexOf('18')).toBe(ids.indexOf('17.2') + 1);
      expect(parseEverything(result).unparsable).toEqual([]);
    });

    it('supabase-postgres: 4 plain init scripts first, then 30 dbmate migrations', async () => {
      const result = await corpus('supabase-postgres/migrations/db');
      expect(result.sources.map((s) => [s.dir, s.layout, s.migrations.length])).toEqual([
        ['supabase-postgres/migrations/db/init-scripts', 'plain', 4],
        ['supabase-postgres/migrations/db/migrations', 'dbmate', 30],
      ]);
      const dbmate = result.sources[1].migrations;
      // Every file has "-- migrate:down" with nothing under it: no down script.
      expect(dbmate.every((m) => m.sqlStartLine === 2 && m.down === null)).toBe(true);
      expect(dbmate.some((m) => m.sql.includes('migrate:'))).toBe(false);
      expect(parseEverything(result).unparsable).toEqual([]);
    });
  });
}
