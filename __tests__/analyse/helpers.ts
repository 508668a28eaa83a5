/** Builds ParsedMigrations from SQL text for analyser tests (no files, no discovery). */
import { loadParser, parseSql } from '../../src/parse/parser';
import { toReportStatement } from '../../src/engine/load';
import type { ParsedMigration } from '../../src/engine/types';
import type { Finding, LayoutName } from '../../src/report/types';
import { analyse } from '../../src/analyse';
import { resolveConfig } from '../../src/config';
import type { DrydockConfig } from '../../src/config/types';

export { loadParser };

export interface MigrationSpec {
  sql: string;
  isNew?: boolean;
  transactional?: boolean;
  id?: string;
  layout?: LayoutName;
}

export function migration(spec: MigrationSpec | string, n = 0): ParsedMigration {
  const s = typeof spec === 'string' ? { sql: spec } : spec;
  const id = s.id ?? `000${n}`;
  const path = `migrations/${id}/up.sql`;
  const parsed = parseSql(s.sql, path);
  return {
    migration: {
      id,
      description: '',
      path,
      layout: s.layout ?? 'diesel',
      direction: 'up',
      transactional: s.transactional ?? true,
      transactionSource: 'default',
      checksum: '',
      downPath: null,
      isNew: s.isNew ?? true,
      statements: parsed.statements.map(toReportStatement),
      findings: [],
      roundTrip: null,
      lockWindows: [],
    },
    file: null as never,
    parsed,
    parsedDown: null,
    downError: null,
  };
}

/** Analyse history (applied) + new migrations; returns the new ones. */
export function run(options: { history?: string[]; migrations: (MigrationSpec | string)[]; pgVersion?: number; config?: DrydockConfig }): ParsedMigration[] {
  const history = (options.history ?? []).map((sql, i) => migration({ sql, isNew: false, id: `h${i}` }));
  const fresh = options.migrations.map((m, i) => migration(m, i + 1));
  const config = resolveConfig(options.config ?? {}, 'test');
  analyse([...history, ...fresh], { pgVersion: options.pgVersion ?? config.pgVersion, config });
  return fresh;
}

export function findings(ms: ParsedMigration[]): Finding[] {
  return ms.flatMap((m) => [...m.migration.findings, ...m.migration.statements.flatMap((s) => s.findings)]);
}

export function rulesHit(ms: ParsedMigration[]): string[] {
  return [...new Set(findings(ms).filter((f) => !f.suppressed).map((f) => f.rule))].sort();
}
