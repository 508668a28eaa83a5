/**
 * Whether a join hashes in memory, hashes in batches or switches to a merge join depends on the
 * ratio of the data to work_mem (× hash_mem_multiplier), not on the data alone. An FK check
 * calibrated on 100 k rows with production's work_mem would always get the in-memory hash plan,
 * even when production's 100 M rows will not. Scaling work_mem by the same factor as the data keeps
 * that ratio, so each calibration size plans like production does.
 */

/** PostgreSQL's minimum work_mem. */
const MIN_WORK_MEM_KB = 64;

export function scaledWorkMemKb(productionWorkMemKb: number, calibratedRows: number, productionRows: number | null): number | null {
  if (!(productionWorkMemKb > 0) || !productionRows || !(productionRows > 0)) return null;
  const scale = Math.min(1, calibratedRows / productionRows);
  return Math.max(MIN_WORK_MEM_KB, Math.round(productionWorkMemKb * scale));
}

/** "4MB", "4096kB", "65536" (kB) → kB; null when unreadable. */
export function parseWorkMemKb(value: string | undefined): number | null {
  if (!value) return null;
  const match = /^(\d+)\s*(kB|MB|GB|TB)?$/.exec(value.trim());
  if (!match) return null;
  const scale = { kB: 1, MB: 1024, GB: 1024 ** 2, TB: 1024 ** 3 }[(match[2] ?? 'kB') as 'kB' | 'MB' | 'GB' | 'TB'];
  return Number(match[1]) * scale;
}
