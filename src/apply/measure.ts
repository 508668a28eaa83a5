/**
 * Per-migration measurements: WAL written (insert position before and after; cluster-wide, so
 * concurrent writers count too) and the total size of every table the migration names. The
 * measuring columns are plain SQL with the relation names inlined as escaped literals, so they can
 * ride in the same simple-protocol batch as the migration (no extra round trip).
 */
import type { ClientBase } from 'pg';
import { displayRelation, regclassText, RelationName } from './relations';
import type { TableSize } from './types';

export interface Measurement {
  lsn: string | null;
  sizes: (number | null)[];
}

export interface MeasureRow {
  lsn: string | null;
  sizes: (number | string | null)[];
}

/** `lsn` and `sizes` columns for a SELECT list. */
export function measureColumns(client: ClientBase, relations: RelationName[]): string {
  const names = relations.map((r) => client.escapeLiteral(regclassText(r)));
  return `CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_insert_lsn()::text END AS lsn,
  (SELECT coalesce(json_agg(pg_total_relation_size(to_regclass(t)) ORDER BY n), '[]'::json)
     FROM unnest(ARRAY[${names.join(', ')}]::text[]) WITH ORDINALITY AS u(t, n)) AS sizes`;
}

export function toMeasurement(row: MeasureRow): Measurement {
  return { lsn: row.lsn, sizes: row.sizes.map((size) => (size === null ? null : Number(size))) };
}

export async function measure(client: ClientBase, relations: RelationName[]): Promise<Measurement> {
  const { rows } = await client.query<MeasureRow>(`SELECT ${measureColumns(client, relations)}`);
  return toMeasurement(rows[0]);
}

/** WAL bytes and before/after sizes from two measurements. */
export function compareMeasurements(
  relations: RelationName[],
  before: Measurement,
  after: Measurement,
): { walBytes: number | null; sizes: TableSize[] } {
  return {
    walBytes: before.lsn && after.lsn ? lsnDiff(after.lsn, before.lsn) : null,
    sizes: relations.map((r, i) => ({ relation: displayRelation(r), beforeBytes: before.sizes[i], afterBytes: after.sizes[i] })),
  };
}

/** pg_lsn "X/Y" (two hex halves) to a byte difference, without another query. */
export function lsnDiff(a: string, b: string): number {
  return Number(lsnToBigInt(a) - lsnToBigInt(b));
}

function lsnToBigInt(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt('0x' + high) << 32n) + BigInt('0x' + low);
}
