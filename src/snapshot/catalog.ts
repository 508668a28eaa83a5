/**
 * Table, index and column statistics from the system catalogs. Every query here reads catalogs,
 * statistics views or size functions only: none touches a user table, so the snapshot role needs
 * no SELECT privilege on them (pg_read_all_stats is enough).
 */
import type { Client } from 'pg';
import type { ColumnStats, IndexStats, TableStats } from './types';

/**
 * pg_stats hides the statistics of columns the role cannot SELECT, because it also carries sample
 * values (most_common_vals, histogram_bounds). A DBA can expose the three shape figures drydock
 * needs, and nothing else, through this function owned by a role that sees pg_stats in full.
 */
export const COLUMN_STATS_FUNCTION = 'drydock_column_stats';
export const COLUMN_STATS_FUNCTION_SQL = `CREATE OR REPLACE FUNCTION ${COLUMN_STATS_FUNCTION}()
RETURNS TABLE (schemaname name, tablename name, attname name, inherited boolean,
               null_frac real, avg_width integer, n_distinct real)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
  SELECT schemaname, tablename, attname, inherited, null_frac, avg_width, n_distinct
    FROM pg_catalog.pg_stats
   WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
$$;
REVOKE ALL ON FUNCTION ${COLUMN_STATS_FUNCTION}() FROM PUBLIC;`;

interface TableRow {
  oid: number;
  name: string;
  relkind: string;
  reltuples: number;
  relpages: number;
  heap: string;
  toast: string;
  indexes: string;
}

export async function readTables(client: Client, schemas: string[] | null): Promise<{ tables: TableStats[]; notes: string[] }> {
  const { rows } = await client.query<TableRow>(
    `SELECT c.oid::int AS oid, n.nspname || '.' || c.relname AS name, c.relkind::text AS relkind,
            c.reltuples::float8 AS reltuples, c.relpages::int AS relpages,
            pg_catalog.pg_relation_size(c.oid) AS heap,
            coalesce(pg_catalog.pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast,
            pg_catalog.pg_indexes_size(c.oid) AS indexes
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname !~ '^pg_(toast|temp)'
        AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
      ORDER BY 2`,
    [schemas],
  );
  const oids = rows.map((r) => r.oid);
  const indexes = await readIndexes(client, oids);
  const columns = await readColumns(client, oids);
  const { stats, notes } = await readColumnStats(client);
  const tables = rows.map((r): TableStats => ({
    name: r.name,
    kind: r.relkind === 'p' ? 'partitioned table' : 'table',
    reltuples: r.reltuples,
    relpages: r.relpages,
    heapBytes: Number(r.heap),
    toastBytes: Number(r.toast),
    indexBytes: Number(r.indexes),
    indexes: indexes.get(r.oid) ?? [],
    columns: (columns.get(r.oid) ?? []).map((c) => ({ ...c, ...(stats.get(`${r.name}.${c.name}`) ?? NO_STATS) })),
  }));
  const withoutStats = tables.filter((t) => t.columns.length > 0 && t.columns.every((c) => c.avgWidth === null) && t.reltuples > 0);
  if (withoutStats.length > 0) {
    notes.push(
      `no column statistics visible for ${withoutStats.length} table(s) (${withoutStats
        .slice(0, 5)
        .map((t) => t.name)
        .join(', ')}${withoutStats.length > 5 ? ', …' : ''}): never analyzed, or hidden from this role; synthetic rows will use type defaults`,
    );
  }
  return { tables, notes };
}

const NO_STATS = { avgWidth: null, nullFrac: null, nDistinct: null };

async function readIndexes(client: Client, oids: number[]): Promise<Map<number, IndexStats[]>> {
  const { rows } = await client.query<{
    table: number;
    name: string;
    definition: string;
    bytes: string;
    unique: boolean;
    primary: boolean;
    valid: boolean;
  }>(
    `SELECT i.indrelid::int AS table, ic.relname AS name, pg_catalog.pg_get_indexdef(i.indexrelid) AS definition,
            pg_catalog.pg_relation_size(i.indexrelid) AS bytes, i.indisunique AS unique,
            i.indisprimary AS primary, i.indisvalid AS valid
       FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = ANY($1::oid[])
      ORDER BY ic.relname`,
    [oids],
  );
  const byTable = new Map<number, IndexStats[]>();
  for (const r of rows) {
    const list = byTable.get(r.table) ?? [];
    list.push({ name: r.name, definition: r.definition, bytes: Number(r.bytes), unique: r.unique, primary: r.primary, valid: r.valid });
    byTable.set(r.table, list);
  }
  return byTable;
}

type ColumnShape = Pick<ColumnStats, 'name' | 'type' | 'notNull'>;

async function readColumns(client: Client, oids: number[]): Promise<Map<number, ColumnShape[]>> {
  const { rows } = await client.query<{ table: number; name: string; type: string; notnull: boolean }>(
    `SELECT a.attrelid::int AS table, a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS notnull
       FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [oids],
  );
  const byTable = new Map<number, ColumnShape[]>();
  for (const r of rows) {
    const list = byTable.get(r.table) ?? [];
    list.push({ name: r.name, type: r.type, notNull: r.notnull });
    byTable.set(r.table, list);
  }
  return byTable;
}

type ShapeStats = Pick<ColumnStats, 'avgWidth' | 'nullFrac' | 'nDistinct'>;

/** Only null_frac, avg_width and n_distinct are read: never the sample values pg_stats also holds. */
async function readColumnStats(client: Client): Promise<{ stats: Map<string, ShapeStats>; notes: string[] }> {
  const { rows: fn } = await client.query<{ usable: boolean }>(
    `SELECT to_regprocedure($1) IS NOT NULL AND has_function_privilege(to_regprocedure($1), 'EXECUTE') AS usable`,
    [`${COLUMN_STATS_FUNCTION}()`],
  );
  const source = fn[0]?.usable ? `${COLUMN_STATS_FUNCTION}()` : 'pg_catalog.pg_stats';
  const { rows } = await client.query<{
    name: string;
    null_frac: number;
    avg_width: number;
    n_distinct: number;
  }>(
    `SELECT schemaname || '.' || tablename || '.' || attname AS name, null_frac::float8 AS null_frac,
            avg_width, n_distinct::float8 AS n_distinct
       FROM ${source}
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY inherited`,
  );
  const stats = new Map<string, ShapeStats>();
  // Non-inherited rows first: a partitioned table only has inherited ones.
  for (const r of rows) {
    if (!stats.has(r.name)) stats.set(r.name, { avgWidth: r.avg_width, nullFrac: r.null_frac, nDistinct: r.n_distinct });
  }
  return { stats, notes: source === 'pg_catalog.pg_stats' ? [] : [`column statistics read through ${source}`] };
}
