/**
 * Single-statement scenarios with the relation locks and rewrites PostgreSQL takes for them
 * (pg_locks mode names; see ../shared/reference/postgres-locks.md and the PostgreSQL docs on
 * explicit locking). Each scenario works on its own tables, named by its id, so all of them run
 * in one dry run: the fixtures are the history, each statement is one new migration.
 *
 * Every table "<id>" is created as (id int PRIMARY KEY, a int, b text) with 10 rows, unless the
 * scenario brings its own setup.
 */
export interface Scenario {
  id: string;
  /** History SQL for the scenario's own objects (after the default table, if any). */
  setup?: string;
  /** Skip the default table. */
  noTable?: boolean;
  sql: string;
  /** Sorted "relation:mode" of relation locks taken by the statement. */
  locks: string[];
  /** Sorted relations whose relfilenode changed. */
  rewrites?: string[];
  /**
   * Non-transactional: locks are sampled from another connection while the statement runs, so only
   * the lock it queued for is certain; `locks` must be among those observed.
   */
  observed?: boolean;
  /** Per-major-version overrides of `locks` (behaviour that changed between releases). */
  locksByVersion?: Record<string, string[]>;
  /** Object locks ("<type> <identity>:<mode>") the statement must show among its locks. */
  objectLocks?: string[];
  /** Relation with a sequential scan reading this many tuples. */
  scan?: { relation: string; tuplesRead: number };
  rows?: number;
}

const AEL = 'AccessExclusiveLock';

export const SCENARIOS: Scenario[] = [
  { id: 'add_col', sql: 'ALTER TABLE add_col ADD COLUMN c int', locks: [`public.add_col:${AEL}`] },
  { id: 'add_col_const_default', sql: "ALTER TABLE add_col_const_default ADD COLUMN c text NOT NULL DEFAULT 'x'", locks: [`public.add_col_const_default:${AEL}`] },
  {
    id: 'add_col_volatile_default',
    sql: 'ALTER TABLE add_col_volatile_default ADD COLUMN c float8 DEFAULT random()',
    locks: [`public.add_col_volatile_default:${AEL}`, `public.add_col_volatile_default:ShareLock`, `public.add_col_volatile_default_pkey:${AEL}`],
    rewrites: ['public.add_col_volatile_default', 'public.add_col_volatile_default_pkey'],
  },
  {
    id: 'alter_type_rewrite',
    sql: 'ALTER TABLE alter_type_rewrite ALTER COLUMN a TYPE bigint',
    locks: [`public.alter_type_rewrite:${AEL}`, `public.alter_type_rewrite:ShareLock`, `public.alter_type_rewrite_pkey:${AEL}`],
    rewrites: ['public.alter_type_rewrite', 'public.alter_type_rewrite_pkey'],
  },
  {
    id: 'alter_type_varchar_widen',
    noTable: true,
    setup: 'CREATE TABLE alter_type_varchar_widen (id int, v varchar(10))',
    sql: 'ALTER TABLE alter_type_varchar_widen ALTER COLUMN v TYPE varchar(20)',
    locks: [`public.alter_type_varchar_widen:${AEL}`],
  },
  {
    id: 'set_not_null',
    sql: 'ALTER TABLE set_not_null ALTER COLUMN a SET NOT NULL',
    locks: [`public.set_not_null:${AEL}`],
    scan: { relation: 'public.set_not_null', tuplesRead: 10 },
  },
  { id: 'drop_not_null', setup: 'ALTER TABLE drop_not_null ALTER COLUMN a SET NOT NULL', sql: 'ALTER TABLE drop_not_null ALTER COLUMN a DROP NOT NULL', locks: [`public.drop_not_null:${AEL}`] },
  { id: 'set_default', sql: 'ALTER TABLE set_default ALTER COLUMN a SET DEFAULT 0', locks: [`public.set_default:${AEL}`] },
  { id: 'drop_col', sql: 'ALTER TABLE drop_col DROP COLUMN b', locks: [`public.drop_col:${AEL}`] },
  { id: 'rename_col', sql: 'ALTER TABLE rename_col RENAME COLUMN b TO c', locks: [`public.rename_col:${AEL}`] },
  { id: 'rename_table', sql: 'ALTER TABLE rename_table RENAME TO rename_table2', locks: [`public.rename_table2:${AEL}`] },
  {
    id: 'add_check',
    sql: 'ALTER TABLE add_check ADD CONSTRAINT add_check_a CHECK (a > 0)',
    locks: [`public.add_check:${AEL}`],
    scan: { relation: 'public.add_check', tuplesRead: 10 },
  },
  { id: 'add_check_not_valid', sql: 'ALTER TABLE add_check_not_valid ADD CONSTRAINT c CHECK (a > 0) NOT VALID', locks: [`public.add_check_not_valid:${AEL}`] },
  {
    id: 'validate_check',
    setup: 'ALTER TABLE validate_check ADD CONSTRAINT validate_check_a CHECK (a > 0) NOT VALID',
    sql: 'ALTER TABLE validate_check VALIDATE CONSTRAINT validate_check_a',
    locks: ['public.validate_check:ShareUpdateExclusiveLock'],
    scan: { relation: 'public.validate_check', tuplesRead: 10 },
  },
  {
    id: 'add_fk',
    setup: 'CREATE TABLE add_fk_parent (id int PRIMARY KEY); INSERT INTO add_fk_parent SELECT g FROM generate_series(1, 10) g',
    sql: 'ALTER TABLE add_fk ADD CONSTRAINT add_fk_a FOREIGN KEY (a) REFERENCES add_fk_parent (id)',
    // The validation query reads both tables (planner opens their indexes too).
    locks: [
      'public.add_fk:AccessShareLock',
      'public.add_fk:ShareRowExclusiveLock',
      'public.add_fk_parent:AccessShareLock',
      'public.add_fk_parent:RowShareLock',
      'public.add_fk_parent:ShareRowExclusiveLock',
      'public.add_fk_parent_pkey:AccessShareLock',
      'public.add_fk_pkey:AccessShareLock',
    ],
  },
  {
    id: 'add_fk_not_valid',
    setup: 'CREATE TABLE add_fk_not_valid_parent (id int PRIMARY KEY)',
    sql: 'ALTER TABLE add_fk_not_valid ADD CONSTRAINT add_fk_nv FOREIGN KEY (a) REFERENCES add_fk_not_valid_parent (id) NOT VALID',
    locks: ['public.add_fk_not_valid:AccessShareLock', 'public.add_fk_not_valid:ShareRowExclusiveLock', 'public.add_fk_not_valid_parent:AccessShareLock', 'public.add_fk_not_valid_parent:ShareRowExclusiveLock'],
  },
  {
    id: 'add_primary_key',
    noTable: true,
    setup: 'CREATE TABLE add_primary_key (id int NOT NULL, a int); INSERT INTO add_primary_key SELECT g, g FROM generate_series(1, 10) g',
    sql: 'ALTER TABLE add_primary_key ADD PRIMARY KEY (id)',
    locks: [`public.add_primary_key:${AEL}`, 'public.add_primary_key:ShareLock', `public.add_primary_key_pkey:${AEL}`],
  },
  {
    id: 'add_unique',
    sql: 'ALTER TABLE add_unique ADD CONSTRAINT add_unique_a UNIQUE (a)',
    locks: [`public.add_unique:${AEL}`, 'public.add_unique:ShareLock', `public.add_unique_a:${AEL}`],
  },
  {
    id: 'add_unique_using_index',
    setup: 'CREATE UNIQUE INDEX add_unique_using_index_a ON add_unique_using_index (a)',
    sql: 'ALTER TABLE add_unique_using_index ADD CONSTRAINT add_unique_using_index_a UNIQUE USING INDEX add_unique_using_index_a',
    locks: [`public.add_unique_using_index:${AEL}`, 'public.add_unique_using_index_a:AccessShareLock'],
  },
  {
    id: 'create_index',
    sql: 'CREATE INDEX create_index_a ON create_index (a)',
    locks: [`public.create_index:ShareLock`, `public.create_index_a:${AEL}`],
    scan: { relation: 'public.create_index', tuplesRead: 10 },
  },
  { id: 'create_index_concurrently',
    observed: true, sql: 'CREATE INDEX CONCURRENTLY create_index_concurrently_a ON create_index_concurrently (a)', locks: ['public.create_index_concurrently:ShareUpdateExclusiveLock'] },
  {
    id: 'drop_index',
    setup: 'CREATE INDEX drop_index_a ON drop_index (a)',
    sql: 'DROP INDEX drop_index_a',
    locks: [`public.drop_index:${AEL}`, `public.drop_index_a:${AEL}`],
  },
  {
    id: 'drop_index_concurrently',
    observed: true,
    setup: 'CREATE INDEX drop_index_concurrently_a ON drop_index_concurrently (a)',
    sql: 'DROP INDEX CONCURRENTLY drop_index_concurrently_a',
    locks: ['public.drop_index_concurrently:ShareUpdateExclusiveLock'],
  },
  {
    id: 'reindex_index',
    setup: 'CREATE INDEX reindex_index_a ON reindex_index (a)',
    sql: 'REINDEX INDEX reindex_index_a',
    locks: [`public.reindex_index:ShareLock`, `public.reindex_index_a:${AEL}`],
    rewrites: ['public.reindex_index_a'],
  },
  {
    id: 'reindex_concurrently',
    observed: true,
    setup: 'CREATE INDEX reindex_concurrently_a ON reindex_concurrently (a)',
    sql: 'REINDEX INDEX CONCURRENTLY reindex_concurrently_a',
    locks: ['public.reindex_concurrently:ShareUpdateExclusiveLock'],
  },
  {
    id: 'create_table',
    noTable: true,
    sql: 'CREATE TABLE create_table (id int PRIMARY KEY)',
    objectLocks: ['schema public:AccessShareLock'],
    locks: [`public.create_table:${AEL}`, `public.create_table_pkey:${AEL}`, 'public.create_table:ShareLock'],
  },
  {
    id: 'create_table_fk',
    noTable: true,
    setup: 'CREATE TABLE create_table_fk_parent (id int PRIMARY KEY)',
    sql: 'CREATE TABLE create_table_fk (id int, parent int REFERENCES create_table_fk_parent (id))',
    locks: [`public.create_table_fk:${AEL}`, 'public.create_table_fk:AccessShareLock', 'public.create_table_fk:ShareRowExclusiveLock', 'public.create_table_fk_parent:AccessShareLock', 'public.create_table_fk_parent:ShareRowExclusiveLock'],
  },
  { id: 'drop_table', sql: 'DROP TABLE drop_table', locks: [`public.drop_table:${AEL}`, `public.drop_table_pkey:${AEL}`] },
  {
    id: 'truncate_table',
    sql: 'TRUNCATE truncate_table',
    locks: [`public.truncate_table:${AEL}`, 'public.truncate_table:ShareLock', `public.truncate_table_pkey:${AEL}`],
    rewrites: ['public.truncate_table', 'public.truncate_table_pkey'],
  },
  { id: 'vacuum_table',
    observed: true, sql: 'VACUUM vacuum_table', locks: ['public.vacuum_table:ShareUpdateExclusiveLock'] },
  {
    id: 'cluster_table',
    setup: 'CREATE INDEX cluster_table_a ON cluster_table (a)',
    sql: 'CLUSTER cluster_table USING cluster_table_a',
    locks: [`public.cluster_table:${AEL}`, 'public.cluster_table:ShareLock', `public.cluster_table_a:${AEL}`, 'public.cluster_table_a:AccessShareLock', `public.cluster_table_pkey:${AEL}`, 'public.cluster_table_pkey:AccessShareLock'],
    rewrites: ['public.cluster_table', 'public.cluster_table_a', 'public.cluster_table_pkey'],
  },
  {
    id: 'update_all',
    sql: 'UPDATE update_all SET a = a + 1',
    locks: ['public.update_all:RowExclusiveLock', 'public.update_all_pkey:RowExclusiveLock'],
    scan: { relation: 'public.update_all', tuplesRead: 10 },
    rows: 10,
  },
  { id: 'delete_all', sql: 'DELETE FROM delete_all', locks: ['public.delete_all:RowExclusiveLock', 'public.delete_all_pkey:RowExclusiveLock'], rows: 10 },
  { id: 'insert_row', sql: "INSERT INTO insert_row VALUES (100, 1, 'x')", locks: ['public.insert_row:RowExclusiveLock'], rows: 1 },
  {
    id: 'select_count',
    sql: 'SELECT count(*) FROM select_count',
    locks: ['public.select_count:AccessShareLock', 'public.select_count_pkey:AccessShareLock'],
    scan: { relation: 'public.select_count', tuplesRead: 10 },
  },
  { id: 'lock_share', sql: 'LOCK TABLE lock_share IN SHARE MODE', locks: ['public.lock_share:ShareLock'] },
  { id: 'create_view', sql: 'CREATE VIEW create_view_v AS SELECT id, a FROM create_view', locks: ['public.create_view:AccessShareLock', `public.create_view_v:${AEL}`] },
  {
    id: 'create_matview',
    sql: 'CREATE MATERIALIZED VIEW create_matview_m AS SELECT id, a FROM create_matview',
    locks: ['public.create_matview:AccessShareLock', `public.create_matview_m:${AEL}`, 'public.create_matview_pkey:AccessShareLock'],
    // PostgreSQL 18 fills a new materialized view through the REFRESH code path.
    locksByVersion: {
      '18': ['public.create_matview:AccessShareLock', `public.create_matview_m:${AEL}`, 'public.create_matview_m:ExclusiveLock', 'public.create_matview_m:ShareLock', 'public.create_matview_pkey:AccessShareLock'],
    },
  },
  {
    id: 'refresh_matview',
    setup: 'CREATE MATERIALIZED VIEW refresh_matview_m AS SELECT id, a FROM refresh_matview',
    sql: 'REFRESH MATERIALIZED VIEW refresh_matview_m',
    locks: ['public.refresh_matview:AccessShareLock', `public.refresh_matview_m:${AEL}`, 'public.refresh_matview_m:ExclusiveLock', 'public.refresh_matview_m:ShareLock', 'public.refresh_matview_pkey:AccessShareLock'],
    locksByVersion: {
      '15': ['public.refresh_matview:AccessShareLock', `public.refresh_matview_m:${AEL}`, 'public.refresh_matview_m:AccessShareLock', 'public.refresh_matview_m:ExclusiveLock', 'public.refresh_matview_m:ShareLock', 'public.refresh_matview_pkey:AccessShareLock'],
    },
    rewrites: ['public.refresh_matview_m'],
  },
  {
    id: 'refresh_matview_concurrently',
    setup: 'CREATE MATERIALIZED VIEW refresh_matview_concurrently_m AS SELECT id, a FROM refresh_matview_concurrently; CREATE UNIQUE INDEX refresh_matview_concurrently_id ON refresh_matview_concurrently_m (id)',
    sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY refresh_matview_concurrently_m',
    // ExclusiveLock on the view; the diff queries read the view and its unique index.
    locks: [
      'public.refresh_matview_concurrently:AccessShareLock',
      'public.refresh_matview_concurrently_id:AccessShareLock',
      'public.refresh_matview_concurrently_id:RowExclusiveLock',
      'public.refresh_matview_concurrently_m:AccessShareLock',
      'public.refresh_matview_concurrently_m:ExclusiveLock',
      'public.refresh_matview_concurrently_m:RowExclusiveLock',
      'public.refresh_matview_concurrently_pkey:AccessShareLock',
    ],
  },
  { id: 'set_fillfactor', sql: 'ALTER TABLE set_fillfactor SET (fillfactor = 70)', locks: ['public.set_fillfactor:ShareUpdateExclusiveLock'] },
  {
    id: 'create_trigger',
    setup: "CREATE FUNCTION create_trigger_f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    sql: 'CREATE TRIGGER create_trigger_t BEFORE INSERT ON create_trigger FOR EACH ROW EXECUTE FUNCTION create_trigger_f()',
    locks: ['public.create_trigger:ShareRowExclusiveLock'],
  },
  {
    id: 'disable_trigger',
    setup: "CREATE FUNCTION disable_trigger_f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; CREATE TRIGGER disable_trigger_t BEFORE INSERT ON disable_trigger FOR EACH ROW EXECUTE FUNCTION disable_trigger_f()",
    sql: 'ALTER TABLE disable_trigger DISABLE TRIGGER disable_trigger_t',
    locks: ['public.disable_trigger:ShareRowExclusiveLock'],
  },
  { id: 'comment_table', sql: "COMMENT ON TABLE comment_table IS 'x'", locks: ['public.comment_table:ShareUpdateExclusiveLock'] },
  {
    id: 'attach_partition',
    noTable: true,
    setup: 'CREATE TABLE attach_partition (id int, k int) PARTITION BY RANGE (k); CREATE TABLE attach_partition_1 (id int, k int)',
    sql: 'ALTER TABLE attach_partition ATTACH PARTITION attach_partition_1 FOR VALUES FROM (0) TO (100)',
    locks: ['public.attach_partition:ShareUpdateExclusiveLock', `public.attach_partition_1:${AEL}`],
  },
  {
    id: 'detach_partition',
    noTable: true,
    setup: 'CREATE TABLE detach_partition (id int, k int) PARTITION BY RANGE (k); CREATE TABLE detach_partition_1 PARTITION OF detach_partition FOR VALUES FROM (0) TO (100)',
    sql: 'ALTER TABLE detach_partition DETACH PARTITION detach_partition_1',
    locks: [`public.detach_partition:${AEL}`, `public.detach_partition_1:${AEL}`],
  },
  {
    id: 'set_unlogged',
    sql: 'ALTER TABLE set_unlogged SET UNLOGGED',
    locks: [`public.set_unlogged:${AEL}`, 'public.set_unlogged:ShareLock', `public.set_unlogged_pkey:${AEL}`],
    rewrites: ['public.set_unlogged', 'public.set_unlogged_pkey'],
  },
  {
    id: 'add_generated_stored',
    sql: 'ALTER TABLE add_generated_stored ADD COLUMN c int GENERATED ALWAYS AS (a * 2) STORED',
    locks: [`public.add_generated_stored:${AEL}`, 'public.add_generated_stored:ShareLock', `public.add_generated_stored_pkey:${AEL}`],
    rewrites: ['public.add_generated_stored', 'public.add_generated_stored_pkey'],
  },
  { id: 'set_statistics', sql: 'ALTER TABLE set_statistics ALTER COLUMN a SET STATISTICS 500', locks: ['public.set_statistics:ShareUpdateExclusiveLock'] },
  { id: 'analyze_table', sql: 'ANALYZE analyze_table', locks: ['public.analyze_table:ShareUpdateExclusiveLock', 'public.analyze_table_pkey:AccessShareLock'] },
  {
    id: 'add_enum_value',
    noTable: true,
    setup: "CREATE TYPE add_enum_value AS ENUM ('a', 'b')",
    sql: "ALTER TYPE add_enum_value ADD VALUE 'c'",
    locks: [],
    objectLocks: ['type public.add_enum_value:ExclusiveLock'],
  },
  {
    // Named as relations are, without pg_identify_object's quotes.
    id: 'add_enum_value_quoted',
    noTable: true,
    setup: `CREATE TYPE "DocumentStatus" AS ENUM ('DRAFT')`,
    sql: `ALTER TYPE "DocumentStatus" ADD VALUE 'CANCELLED'`,
    locks: [],
    objectLocks: ['type public.DocumentStatus:ExclusiveLock'],
  },
];

/** History SQL creating every scenario's fixtures. */
export function fixtureSql(scenario: Scenario): string {
  const table = scenario.noTable
    ? ''
    : `CREATE TABLE ${scenario.id} (id int PRIMARY KEY, a int, b text);\nINSERT INTO ${scenario.id} SELECT g, g, 'row ' || g FROM generate_series(1, 10) g;\n`;
  return table + (scenario.setup ? scenario.setup + ';\n' : '');
}
