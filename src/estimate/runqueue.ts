/**
 * Contention-free statement time on a shared machine. Wall time = time on a CPU + time blocked
 * (I/O, latches, parallel workers) + time runnable but waiting for a CPU that another process
 * holds. Only the last part depends on what else runs on the machine, and Linux counts it per
 * process: the second field of /proc/<pid>/schedstat ("run_delay", ns). Subtracting the backend's
 * run-delay delta from the wall time therefore keeps every cost PostgreSQL itself incurs and drops
 * the queueing behind other people's jobs. This works when the server's backends are processes on
 * this machine (machine/embedded providers); for a remote server it is unavailable and wall time
 * is used unchanged.
 */
import * as fs from 'node:fs';
import type { Client } from 'pg';

export interface RunQueueClock {
  pid: number;
  /** Cumulative nanoseconds this backend has waited for a CPU, or null if it cannot be read now. */
  runDelayNs(): number | null;
}

/** Parses /proc/<pid>/schedstat: "<on-cpu ns> <run-delay ns> <timeslices>". */
export function parseSchedstat(text: string): { onCpuNs: number; runDelayNs: number } | null {
  const fields = text.trim().split(/\s+/).map(Number);
  if (fields.length < 2 || !fields.slice(0, 2).every(Number.isFinite)) return null;
  return { onCpuNs: fields[0], runDelayNs: fields[1] };
}

/** Time the statement would have taken without waiting for CPUs held by other processes. */
export function contentionFreeMs(wallMs: number, runDelayMs: number | null): number {
  if (runDelayMs === null || !(runDelayMs > 0)) return wallMs;
  return Math.max(0, wallMs - runDelayMs);
}

/**
 * The clock of the backend behind `client`, or null when its process is not visible here (remote
 * server, other PID namespace, or a pid that belongs to something other than PostgreSQL).
 */
export async function backendClock(client: Client): Promise<RunQueueClock | null> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid');
  const pid = Number(rows[0]?.pid);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const read = (): number | null => {
    try {
      return parseSchedstat(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8'))?.runDelayNs ?? null;
    } catch {
      return null;
    }
  };
  if (!isPostgresProcess(pid) || read() === null) return null;
  return { pid, runDelayNs: read };
}

function isPostgresProcess(pid: number): boolean {
  // A backend's title is rewritten ("postgres: user db …"); the executable stays postgres.
  const probes = [() => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'), () => fs.readlinkSync(`/proc/${pid}/exe`)];
  return probes.some((probe) => {
    try {
      return /postgres/.test(probe());
    } catch {
      return false;
    }
  });
}
