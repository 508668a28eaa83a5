/**
 * The run-queue correction on the real test server: a CPU-bound query is timed while busy
 * processes compete for the machine's cores; the wait for a CPU is observed and removed.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as os from 'node:os';
import { measureStatement } from '../../src/estimate/measure';
import { backendClock, contentionFreeMs, parseSchedstat } from '../../src/estimate/runqueue';
import { withClient } from '../../src/util/pg';
import { createTestDatabase, dropTestDatabases } from '../support/pg';

afterAll(dropTestDatabases);

test('schedstat parsing and the correction itself', () => {
  expect(parseSchedstat('123456 7890 12\n')).toEqual({ onCpuNs: 123456, runDelayNs: 7890 });
  expect(parseSchedstat('garbage')).toBeNull();
  expect(contentionFreeMs(100, 30)).toBe(70);
  expect(contentionFreeMs(100, null)).toBe(100);
  expect(contentionFreeMs(10, 50)).toBe(0);
});

test('CPU queueing behind other processes is measured and excluded', async () => {
  const url = await createTestDatabase();
  await withClient(url, async (client) => {
    const clock = await backendClock(client);
    // The test servers run on this machine, so the backend's process is visible.
    expect(clock).not.toBeNull();
    const busy: ChildProcess[] = [];
    try {
      for (let i = 0; i < os.cpus().length + 1; i++) busy.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const m = await measureStatement(client, 'SELECT count(*) FROM generate_series(1, 3000000)', { transactional: true, clock });
      expect(m.runQueueMs).not.toBeNull();
      expect(m.runQueueMs!).toBeGreaterThan(0);
      expect(m.ms).toBeCloseTo(Math.max(0, m.wallMs - m.runQueueMs!), 6);
      expect(m.ms).toBeLessThan(m.wallMs);
    } finally {
      for (const child of busy) child.kill('SIGKILL');
    }
  });
});
