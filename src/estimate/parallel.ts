/**
 * Parallel index builds pick their worker count from the heap's size (PostgreSQL's
 * compute_parallel_worker: one worker from min_parallel_table_scan_size, one more per ×3), capped
 * by max_parallel_maintenance_workers. A 10 k-row calibration table gets no worker while the
 * production table gets two, so per-row costs measured on the small table would describe another
 * execution. The calibration table is therefore given the production count through the
 * `parallel_workers` storage parameter, which replaces the size rule; PostgreSQL still applies its
 * maintenance_work_mem / 32 MB-per-participant cap, with production's maintenance_work_mem.
 */
import type { ServerStats, TableStats } from '../snapshot/types';

const DEFAULT_MIN_PARALLEL_TABLE_SCAN_BYTES = 8 * 1024 * 1024;

/** Workers PostgreSQL's size rule gives a heap of `heapBytes` (before the memory cap). */
export function productionIndexWorkers(table: TableStats, server: ServerStats): number {
  const blockSize = server.blockSize > 0 ? server.blockSize : 8192;
  const heapPages = Math.floor(table.heapBytes / blockSize);
  const thresholdPages = Math.max(1, Math.floor(minParallelTableScanBytes(server) / blockSize));
  if (heapPages < thresholdPages) return 0;
  let workers = 1;
  for (let threshold = thresholdPages; heapPages >= threshold * 3; threshold *= 3) workers++;
  return Math.min(workers, Math.max(0, server.maxParallelMaintenanceWorkers));
}

/**
 * The snapshot keeps the setting as pg_settings shows it: value then unit, e.g. "1024" + "8kB" =
 * "10248kB". The unit of this setting is the block size, so that suffix is stripped first.
 */
function minParallelTableScanBytes(server: ServerStats): number {
  const raw = server.settings.min_parallel_table_scan_size;
  const blockSize = server.blockSize > 0 ? server.blockSize : 8192;
  const blockUnit = `${blockSize / 1024}kB`;
  if (raw && raw.endsWith(blockUnit) && /^\d+$/.test(raw.slice(0, -blockUnit.length))) {
    return Number(raw.slice(0, -blockUnit.length)) * blockSize;
  }
  return DEFAULT_MIN_PARALLEL_TABLE_SCAN_BYTES;
}
