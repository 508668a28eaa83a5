/**
 * A JSON-serialisable picture of a database's user schema, taken from the system catalogs: what the
 * down round trip compares and what deploy verification reuses. Only user objects: pg_catalog,
 * information_schema, toast/temp schemas and drydock's own schema are left out, and objects that
 * belong to an extension are left to the extension's entry.
 */
import type { ClientBase } from 'pg';

export interface ColumnSnapshot {
  type: string;
  notNull: boolean;
  default: string | null;
  /** "always" / "by default" for identity columns, else null. */
  identity: string | null;
  /** Generation expression of a generated column, else null. */
  generated: string | null;
  collation: string | null;
}

export interface TableSnapshot {
  /** "table", "partitioned table" or "foreign table". */
  kind: string;
  columns: Record<string, ColumnSnapshot>;
  /** Constraint name → pg_get_constraintdef (NOT NULL constraints of PostgreSQL 18 are in the columns' notNull). */
  constraints: Record<string, string>;
  /** Trigger name → pg_get_triggerdef. */
  triggers: Record<string, string>;
}

export interface CatalogSnapshot {
  version: 1;
  schemas: string[];
  /** Extension name → "version in schema". */
  extensions: Record<string, string>;
  tables: Record<string, TableSnapshot>;
  /** Qualified index name → pg_get_indexdef. */
  indexes: Record<string, string>;
  /** Qualified sequence name → "type start increment min max cycle owned-by". */
  sequences: Record<string, string>;
  /** Qualified view name → "view: definition" or "materialized view: definition", whitespace collapsed. */
  views: Record<string, string>;
  /** "schema.name(identity args)" → pg_get_functiondef (or the aggregate's kind). */
  functions: Record<string, string>;
  /** Qualified type name → kind and definition; enums list their values in order. */
  types: Record<string, string>;
}

export interface SnapshotOptions {
  /** Schemas left out besides the system ones (default: ["drydock"]). */
  excludeSchemas?: string[];
}

const SYSTEM_SCHEMA_FILTER = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname <> ALL ($1::text[])`;
/** Objects created by CREATE EXTENSION are the extension's, not the migration's. */
const NOT_EXTENSION_MEMBER = (classTable: string, alias: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${classTable}'::regclass AND d.objid = ${alias}.oid AND d.deptype = 'e')`;

const QUERIES = {
  schemas: `SELECT n.nspname AS name FROM pg_namespace n WHERE ${SYSTEM_SCHEMA_FILTER} AND ${NOT_EXTENSION_MEMBER('pg_namespace', 'n')} ORDER BY 1`,
  extensions: `SELECT e.extname AS name, e.extversion || ' in ' || n.nspname AS def FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1`,
  relations: `SELECT c.oid, n.nspname || '.' || c.relname AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${SYSTEM_SCHEMA_FILTER} AND c.relkind IN ('r', 'p', 'f') AND ${NOT_EXTENSION_MEMBER('pg_class', 'c')}`,
  columns: `SELECT n.nspname || '.' || c.relname AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
      CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS default,
      CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity,
      CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated,
      CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END AS collation
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation
    WHERE ${SYSTEM_SCHEMA_FILTER} AND c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped`,
  constraints: `SELECT n.nspname || '.' || c.relname AS rel, k.conname AS name, pg_get_constraintdef(k.oid) AS def
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${SYSTEM_SCHEMA_FILTER} AND k.conrelid <> 0 AND k.contype <> 'n'`,
  triggers: `SELECT n.nspname || '.' || c.relname AS rel, tg.tgname AS name, pg_get_triggerdef(tg.oid) AS def
    FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${SYSTEM_SCHEMA_FILTER} AND NOT tg.tgisinternal`,
  indexes: `SELECT n.nspname || '.' || c.relname AS name, pg_get_indexdef(c.oid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${SYSTEM_SCHEMA_FILTER} AND ${NOT_EXTENSION_MEMBER('pg_class', 'c')}`,
  sequences: `SELECT n.nspname || '.' || c.relname AS name,
      format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax
      || CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END
      || coalesce(' owned by ' || (SELECT dn.nspname || '.' || dc.relname || '.' || da.attname FROM pg_depend d JOIN pg_class dc ON dc.oid = d.refobjid
           JOIN pg_namespace dn ON dn.oid = dc.relnamespace JOIN pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid
           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1), '') AS def
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${SYSTEM_SCHEMA_FILTER} AND ${NOT_EXTENSION_MEMBER('pg_class', 'c')}`,
  views: `SELECT n.nspname || '.' || c.relname AS name, CASE c.relkind WHEN 'v' THEN 'view: ' ELSE 'materialized view: ' END || btrim(regexp_replace(pg_get_viewdef(c.oid), '\\s+', ' ', 'g')) AS def
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${SYSTEM_SCHEMA_FILTER} AND c.relkind IN ('v', 'm') AND ${NOT_EXTENSION_MEMBER('pg_class', 'c')}`,
  functions: `SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name,
      CASE WHEN p.prokind = 'a' THEN 'aggregate returning ' || format_type(p.prorettype, NULL) ELSE pg_get_functiondef(p.oid) END AS def
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${SYSTEM_SCHEMA_FILTER} AND ${NOT_EXTENSION_MEMBER('pg_proc', 'p')}`,
  types: `SELECT n.nspname || '.' || t.typname AS name, CASE t.typtype
        WHEN 'e' THEN 'enum (' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) || ')'
        WHEN 'd' THEN 'domain over ' || format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END
          || coalesce(' default ' || t.typdefault, '')
          || coalesce((SELECT ' ' || string_agg(pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid), '')
        WHEN 'c' THEN 'composite (' || (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) || ')'
        WHEN 'r' THEN 'range of ' || (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid)
        ELSE 'type ' || t.typtype::text END AS def
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE ${SYSTEM_SCHEMA_FILTER} AND t.typtype IN ('e', 'd', 'c', 'r')
      AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c') AND ${NOT_EXTENSION_MEMBER('pg_type', 't')}`,
};

/** Every area in one query (one round trip), each as a JSON array of rows. */
const SNAPSHOT_SQL =
  'SELECT ' +
  Object.entries(QUERIES)
    .map(([key, sql]) => `(SELECT coalesce(json_agg(q), '[]') FROM (${sql}) q) AS ${key}`)
    .join(',\n');

const TABLE_KINDS: Record<string, string> = { r: 'table', p: 'partitioned table', f: 'foreign table' };

type Row = Record<string, string | boolean | null>;

export async function snapshotCatalog(client: ClientBase, options: SnapshotOptions = {}): Promise<CatalogSnapshot> {
  const exclude = options.excludeSchemas ?? ['drydock'];
  const { rows: result } = await client.query<Record<keyof typeof QUERIES, Row[]>>(SNAPSHOT_SQL, [exclude]);
  const rows = result[0];

  const tables: Record<string, TableSnapshot> = {};
  for (const r of sortBy(rows.relations, 'name')) {
    tables[r.name as string] = { kind: TABLE_KINDS[r.relkind as string], columns: {}, constraints: {}, triggers: {} };
  }
  for (const r of sortBy(rows.columns, 'name')) {
    const table = tables[r.rel as string];
    if (!table) continue;
    table.columns[r.name as string] = {
      type: r.type as string,
      notNull: r.not_null as boolean,
      default: r.default as string | null,
      identity: r.identity as string | null,
      generated: r.generated as string | null,
      collation: r.collation as string | null,
    };
  }
  for (const r of sortBy(rows.constraints, 'name')) {
    const table = tables[r.rel as string];
    if (table) table.constraints[r.name as string] = r.def as string;
  }
  for (const r of sortBy(rows.triggers, 'name')) {
    const table = tables[r.rel as string];
    if (table) table.triggers[r.name as string] = r.def as string;
  }
  return {
    version: 1,
    schemas: rows.schemas.map((r) => r.name as string),
    extensions: toRecord(rows.extensions),
    tables,
    indexes: toRecord(rows.indexes),
    sequences: toRecord(rows.sequences),
    views: toRecord(rows.views),
    functions: toRecord(rows.functions),
    types: toRecord(rows.types),
  };
}

function sortBy(rows: Row[], key: string): Row[] {
  return [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

function toRecord(rows: Row[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of sortBy(rows, 'name')) out[r.name as string] = r.def as string;
  return out;
}
