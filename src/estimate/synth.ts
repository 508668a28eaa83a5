/**
 * Synthetic rows shaped like production (estimation.md §5 step 2): per column the average width,
 * NULL fraction and distinct count from the stats snapshot, generated with generate_series in the
 * calibration database. No production row is ever read.
 */
import type { Client } from 'pg';
import type { ColumnStats, TableStats } from '../snapshot/types';
import { quoteAlways, quoteRelation } from '../parse/quote';

export interface ColumnShape {
  name: string;
  /** format_type(), used for the final cast. */
  type: string;
  /** Base type name (domains resolved), e.g. "int4", "varchar". */
  baseType: string;
  enumType: boolean;
  typlen: number;
  /** Declared length limit of varchar(n)/char(n), or null. */
  maxChars: number | null;
  notNull: boolean;
  hasDefault: boolean;
  identityAlways: boolean;
  generated: boolean;
}

export interface CatalogForeignKey {
  column: string;
  parent: string;
  parentColumn: string;
}

export interface TableShape {
  /** Schema-qualified. */
  name: string;
  columns: ColumnShape[];
  /** First column of each unique index: generating it unique keeps every unique index satisfied. */
  uniqueColumns: string[];
  primaryKey: string[];
  /** CHECK expressions (validated or not): synthetic rows must pass them. */
  checks: string[];
  foreignKeys: CatalogForeignKey[];
}


export async function readTableShape(client: Client, table: string): Promise<TableShape> {
  const regclass = quoteRelation(table);
  const { rows: columns } = await client.query<{
    name: string;
    type: string;
    basetype: string;
    typtype: string;
    typlen: number;
    typmod: number;
    notnull: boolean;
    hasdef: boolean;
    identity: string;
    generated: string;
  }>(
    `SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
            coalesce(bt.typname, t.typname) AS basetype, coalesce(bt.typtype, t.typtype)::text AS typtype,
            coalesce(bt.typlen, t.typlen)::int AS typlen,
            CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
            a.attnotnull AS notnull, a.atthasdef AS hasdef, a.attidentity::text AS identity,
            a.attgenerated::text AS generated
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [regclass],
  );
  const { rows: unique } = await client.query<{ name: string; primary: boolean }>(
    `SELECT a.attname AS name, i.indisprimary AS primary
       FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = $1::regclass AND i.indisunique`,
    [regclass],
  );
  const { rows: primary } = await client.query<{ name: string }>(
    `SELECT a.attname AS name
       FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary`,
    [regclass],
  );
  const { rows: checks } = await client.query<{ expr: string }>(
    `SELECT pg_catalog.pg_get_expr(conbin, conrelid) AS expr FROM pg_catalog.pg_constraint
      WHERE conrelid = $1::regclass AND contype = 'c'`,
    [regclass],
  );
  const { rows: fks } = await client.query<CatalogForeignKey>(
    `SELECT ca.attname AS column, pn.nspname || '.' || pc.relname AS parent, pa.attname AS "parentColumn"
       FROM pg_catalog.pg_constraint k
       JOIN pg_catalog.pg_attribute ca ON ca.attrelid = k.conrelid AND ca.attnum = k.conkey[1]
       JOIN pg_catalog.pg_class pc ON pc.oid = k.confrelid
       JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
       JOIN pg_catalog.pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
      WHERE k.conrelid = $1::regclass AND k.contype = 'f' AND cardinality(k.conkey) = 1`,
    [regclass],
  );
  return {
    name: table,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      baseType: c.basetype,
      enumType: c.typtype === 'e',
      typlen: c.typlen,
      maxChars: (c.basetype === 'varchar' || c.basetype === 'bpchar') && c.typmod > 4 ? c.typmod - 4 : null,
      notNull: c.notnull,
      hasDefault: c.hasdef,
      identityAlways: c.identity === 'a',
      generated: c.generated !== '',
    })),
    uniqueColumns: unique.map((u) => u.name),
    primaryKey: primary.map((p) => p.name),
    checks: checks.map((c) => c.expr),
    foreignKeys: fks,
  };
}

/** A foreign key column's values: keys 1..parentRows rendered the way the parent renders them. */
export interface ReferenceValues {
  parent: TableShape;
  parentColumn: string;
  parentStats: TableStats | null;
  parentRows: number;
}

export interface FillRequest {
  shape: TableShape;
  stats: TableStats | null;
  rows: number;
  /** Columns that must be NOT NULL / unique for the statement being calibrated. */
  notNull: Set<string>;
  unique: Set<string>;
  references: Map<string, ReferenceValues>;
}

export class UnsupportedColumnError extends Error {}

/** INSERT … SELECT … FROM generate_series that fills the table with `rows` synthetic rows. */
export function fillSql(request: FillRequest): string {
  const { shape, rows } = request;
  const fallbackWidth = varlenaFallbackWidth(shape, request.stats);
  const names: string[] = [];
  const exprs: string[] = [];
  shape.columns.forEach((column, index) => {
    if (column.generated) return;
    const stats = request.stats?.columns.find((c) => c.name === column.name) ?? null;
    const isUnique = request.unique.has(column.name) || shape.uniqueColumns.includes(column.name);
    const reference = request.references.get(column.name);
    // A column production does not have yet (added earlier in this change) gets its default, as it would there.
    if (request.stats && !stats && !isUnique && !reference && (column.hasDefault || !column.notNull)) return;
    let value: string | null;
    if (reference) {
      value = referenceValue(reference, index);
    } else {
      const key = isUnique ? 'g' : hashedKey(index, distinctCount(stats, rows));
      value = renderValue(column, key, width(column, stats, fallbackWidth));
    }
    if (value === null) {
      if (column.hasDefault || !column.notNull) return;
      throw new UnsupportedColumnError(`cannot synthesize values for ${shape.name}.${column.name} (${column.type}, NOT NULL, no default)`);
    }
    const nullFrac = column.notNull || isUnique || request.notNull.has(column.name) || shape.primaryKey.includes(column.name) ? 0 : (stats?.nullFrac ?? 0);
    exprs.push(`${nullFrac > 0 ? `CASE WHEN random() < ${nullFrac} THEN NULL ELSE ${value} END` : value} AS ${quoteAlways(column.name)}`);
    names.push(quoteAlways(column.name));
  });
  const overriding = shape.columns.some((c) => c.identityAlways && names.includes(quoteAlways(c.name))) ? ' OVERRIDING SYSTEM VALUE' : '';
  const where = shape.checks.length ? `\n WHERE ${shape.checks.map((c) => `coalesce((${c}), true)`).join(' AND ')}` : '';
  return `INSERT INTO ${quoteRelation(shape.name)} (${names.join(', ')})${overriding}
SELECT ${names.join(', ')} FROM (SELECT ${exprs.join(', ')} FROM pg_catalog.generate_series(1, ${Math.round(rows)}) AS g) AS s${where}`;
}

/** Spread 1..n over [0, distinct) deterministically; a different salt per column decorrelates them. */
function hashedKey(salt: number, distinct: number): string {
  return `((pg_catalog.hashint8(g::bigint * 40503 + ${salt + 1})::bigint + 2147483648) % ${Math.max(1, Math.round(distinct))})`;
}

function referenceValue(ref: ReferenceValues, salt: number): string | null {
  const parentColumn = ref.parent.columns.find((c) => c.name === ref.parentColumn);
  if (!parentColumn) return null;
  const parentColumnStats = ref.parentStats?.columns.find((c) => c.name === ref.parentColumn) ?? null;
  const key = `(1 + ${hashedKey(salt, ref.parentRows)})`;
  return renderValue(parentColumn, key, width(parentColumn, parentColumnStats, varlenaFallbackWidth(ref.parent, ref.parentStats)));
}

function distinctCount(stats: ColumnStats | null, rows: number): number {
  const nd = stats?.nDistinct;
  if (nd === null || nd === undefined || nd === 0) return rows;
  return nd > 0 ? Math.min(nd, Math.max(rows, 1)) : Math.max(1, -nd * rows);
}

/** Characters (or bytes) of a variable-length value: avg_width minus the varlena header. */
function width(column: ColumnShape, stats: ColumnStats | null, fallback: number): number {
  let w = stats?.avgWidth ?? fallback;
  if (column.typlen === -1 && stats?.avgWidth) w -= stats.avgWidth > 127 ? 4 : 1;
  w = Math.max(1, Math.round(w));
  return column.maxChars ? Math.min(w, column.maxChars) : w;
}

/**
 * Width for variable-length columns the snapshot has no statistics for: the production bytes per
 * row (heap ÷ rows) minus tuple overhead and the fixed-width columns, shared among them.
 */
function varlenaFallbackWidth(shape: TableShape, stats: TableStats | null): number {
  const DEFAULT_WIDTH = 16;
  if (!stats || stats.reltuples <= 0) return DEFAULT_WIDTH;
  const rowBytes = stats.heapBytes / stats.reltuples - 28;
  let known = 0;
  let unknown = 0;
  for (const c of shape.columns) {
    const s = stats.columns.find((x) => x.name === c.name);
    if (s?.avgWidth) known += s.avgWidth;
    else if (c.typlen > 0) known += c.typlen;
    else unknown += 1;
  }
  return unknown > 0 ? Math.max(4, Math.round((rowBytes - known) / unknown)) : DEFAULT_WIDTH;
}

/** A value of the column's type derived from an integer key expression, or null for types not covered. */
function renderValue(column: ColumnShape, key: string, w: number): string | null {
  const cast = (expr: string) => `(${expr})::${column.type}`;
  const text = `pg_catalog.lpad((${key})::text, ${w}, pg_catalog.md5((${key})::text))`;
  if (column.enumType) {
    return `(pg_catalog.enum_range(NULL::${column.type}))[1 + (${key}) % pg_catalog.cardinality(pg_catalog.enum_range(NULL::${column.type}))]`;
  }
  switch (column.baseType) {
    case 'int2':
      return cast(`(${key}) % 32767`);
    case 'int4':
    case 'int8':
    case 'float4':
    case 'float8':
    case 'numeric':
    case 'oid':
      return cast(key);
    case 'bool':
      return cast(`(${key}) % 2 = 0`);
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'name':
    case 'citext':
      return cast(text);
    case 'uuid':
      return cast(`pg_catalog.md5((${key})::text)::uuid`);
    case 'json':
    case 'jsonb':
      return cast(`pg_catalog.json_build_object('k', ${key}, 'v', pg_catalog.lpad('', ${Math.max(1, w - 16)}, pg_catalog.md5((${key})::text)))`);
    case 'bytea':
      return cast(`pg_catalog.decode(pg_catalog.lpad('', ${2 * w}, pg_catalog.md5((${key})::text)), 'hex')`);
    case 'date':
      return cast(`date '2000-01-01' + ((${key}) % 3650000)::int`);
    case 'timestamp':
    case 'timestamptz':
      return cast(`timestamp '2000-01-01' + (${key}) * interval '1 second'`);
    case 'time':
    case 'timetz':
      return cast(`time '00:00' + ((${key}) % 86400) * interval '1 second'`);
    case 'interval':
      return cast(`(${key}) * interval '1 second'`);
    case 'inet':
    case 'cidr':
      return cast(`'10.0.0.0'::inet + (${key})`);
    default:
      return null;
  }
}
