/** Build ParsedMigrations from SQL text the way the engine does (MigrationFile → parseMigration). */
import { migrationChecksum } from '../../src/discover/checksum';
import type { MigrationFile } from '../../src/discover/types';
import { parseMigration } from '../../src/engine/load';
import type { ParsedMigration } from '../../src/engine/types';
import type { LayoutName } from '../../src/report/types';

export interface MigrationSpec {
  id: string;
  description?: string;
  sql: string;
  /** Default: true unless a statement refuses a transaction block. */
  transactional?: boolean;
  path?: string;
  layout?: LayoutName;
  down?: string;
  verify?: string;
}

export function migration(spec: MigrationSpec): ParsedMigration {
  const description = spec.description ?? 'migration';
  const path = spec.path ?? `db/migrations/${spec.id}_${description.replace(/\s+/g, '_')}.sql`;
  const side = (sql: string, suffix: string) => ({ path: path.replace(/\.sql$/, `.${suffix}.sql`), absPath: `/repo/${path}`, sql, sqlStartLine: 1 });
  const file: MigrationFile = {
    id: spec.id,
    description,
    path,
    absPath: `/repo/${path}`,
    layout: spec.layout ?? 'plain',
    direction: 'up',
    sql: spec.sql,
    sqlStartLine: 1,
    checksum: migrationChecksum(Buffer.from(spec.sql)),
    transactional: spec.transactional ?? true,
    // An explicit flag stands for a directive (e.g. dbmate transaction:false); otherwise the layout decides.
    transactionSource: spec.transactional === undefined ? 'default' : `test: transactional=${spec.transactional}`,
    down: spec.down ? side(spec.down, 'down') : null,
    verify: spec.verify ? side(spec.verify, 'verify') : null,
    isNew: true,
  };
  return parseMigration(file);
}

/** Example migrations: a table, data, a concurrent index (non-transactional), a column with a default. */
export function exampleMigrations(): ParsedMigration[] {
  return [
    migration({
      id: '001',
      description: 'create accounts',
      sql: 'CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);\n' +
        "INSERT INTO accounts (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 2000) g;\n",
      down: 'DROP TABLE accounts;',
    }),
    migration({
      id: '002',
      description: 'index accounts email',
      sql: 'CREATE UNIQUE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n',
      transactional: false,
    }),
    migration({
      id: '003',
      description: 'add accounts plan',
      sql: "ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';\nCOMMENT ON COLUMN accounts.plan IS 'billing plan';\n",
      verify: 'SELECT plan FROM accounts WHERE false;',
    }),
  ];
}
