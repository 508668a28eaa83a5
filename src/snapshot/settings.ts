/** Server settings that change the cost of DDL, converted to plain numbers. */
import type { Client } from 'pg';
import type { ServerStats } from './types';

/** Settings kept verbatim for the reader of the report (they explain slope changes). */
const REPORTED_SETTINGS = [
  'shared_buffers',
  'checkpoint_timeout',
  'wal_level',
  'jit',
  'max_worker_processes',
  'min_parallel_table_scan_size',
  'effective_io_concurrency',
  // Join memory decides the FK-validation plan (hash vs merge anti-join): src/estimate/memory.ts.
  'work_mem',
  'hash_mem_multiplier',
];

const NUMERIC_SETTINGS = [
  'block_size',
  'maintenance_work_mem',
  'max_parallel_maintenance_workers',
  'max_parallel_workers',
  'max_wal_size',
];

interface SettingRow {
  name: string;
  setting: string;
  unit: string | null;
}

/** Bytes per unit of a pg_settings `unit` ("kB", "8kB", "MB"…); 1 for unit-less settings. */
export function unitBytes(unit: string | null): number {
  if (!unit) return 1;
  const match = /^(\d*)(B|kB|MB|GB|TB)$/.exec(unit);
  if (!match) return 1;
  const scale = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }[match[2] as 'B' | 'kB' | 'MB' | 'GB' | 'TB'];
  return (match[1] ? Number(match[1]) : 1) * scale;
}

export async function readServerStats(client: Client): Promise<ServerStats> {
  const { rows } = await client.query<SettingRow>(
    'SELECT name, setting, unit FROM pg_catalog.pg_settings WHERE name = ANY($1)',
    [[...NUMERIC_SETTINGS, ...REPORTED_SETTINGS, 'server_version', 'server_version_num']],
  );
  const byName = new Map(rows.map((r) => [r.name, r]));
  const bytes = (name: string): number => {
    const row = byName.get(name);
    return row ? Number(row.setting) * unitBytes(row.unit) : 0;
  };
  const count = (name: string): number => Number(byName.get(name)?.setting ?? 0);
  const settings: Record<string, string> = {};
  for (const name of REPORTED_SETTINGS) {
    const row = byName.get(name);
    if (row) settings[name] = row.unit ? `${row.setting}${row.unit}` : row.setting;
  }
  return {
    version: (byName.get('server_version')?.setting ?? '').split(' ')[0],
    versionNum: count('server_version_num'),
    blockSize: bytes('block_size'),
    maintenanceWorkMemBytes: bytes('maintenance_work_mem'),
    maxParallelMaintenanceWorkers: count('max_parallel_maintenance_workers'),
    maxParallelWorkers: count('max_parallel_workers'),
    maxWalSizeBytes: bytes('max_wal_size'),
    settings,
  };
}
