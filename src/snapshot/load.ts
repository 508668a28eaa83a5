/** Reading a stats file handed to a PR check (--stats stats.json): validated field by field. */
import * as fs from 'node:fs';
import { DrydockError } from '../util/errors';
import { SNAPSHOT_FORMAT, StatsSnapshot } from './types';

type Json = Record<string, unknown>;

export function loadStats(path: string): StatsSnapshot {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new DrydockError(`cannot read the stats file: ${(error as Error).message}`, {
      position: { path },
      fix: 'pass the file written by `drydock snapshot --out stats.json`',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DrydockError(`the stats file is not valid JSON: ${(error as Error).message}`, {
      position: { path },
      fix: 'regenerate it with `drydock snapshot --database-url URL --out stats.json`',
    });
  }
  const problems = validateSnapshot(data);
  if (problems.length > 0) {
    throw new DrydockError(`the stats file is not a drydock snapshot (${problems.length} problem(s))`, {
      position: { path },
      details: problems.slice(0, 10),
      fix: 'regenerate it with `drydock snapshot --database-url URL --out stats.json` (same drydock version)',
    });
  }
  return data as StatsSnapshot;
}

/** Problems as "field: expected …" lines; empty when the value is a valid snapshot. */
export function validateSnapshot(data: unknown): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, where: string, what: string) => {
    if (!ok) problems.push(`${where}: expected ${what}`);
  };
  if (!isObject(data)) return ['(root): expected an object'];
  expect(data.format === SNAPSHOT_FORMAT, 'format', `"${SNAPSHOT_FORMAT}"`);
  expect(typeof data.takenAt === 'string' && !Number.isNaN(Date.parse(data.takenAt)), 'takenAt', 'an ISO date');
  const server = data.server;
  if (isObject(server)) {
    for (const key of ['versionNum', 'blockSize', 'maintenanceWorkMemBytes', 'maxParallelMaintenanceWorkers', 'maxParallelWorkers', 'maxWalSizeBytes']) {
      expect(isNumber(server[key]), `server.${key}`, 'a number');
    }
    expect(typeof server.version === 'string', 'server.version', 'a string');
  } else {
    expect(false, 'server', 'an object');
  }
  if (Array.isArray(data.tables)) {
    data.tables.forEach((table, i) => validateTable(table, `tables[${i}]`, expect));
  } else {
    expect(false, 'tables', 'an array');
  }
  if (data.workload !== null && data.workload !== undefined) {
    const w = data.workload;
    if (isObject(w) && Array.isArray(w.tables)) {
      w.tables.forEach((t, i) => {
        const where = `workload.tables[${i}]`;
        expect(isObject(t) && typeof t.name === 'string', `${where}.name`, 'a string');
        expect(isObject(t) && isNumber(t.readsPerSecond) && isNumber(t.writesPerSecond), where, 'readsPerSecond and writesPerSecond numbers');
      });
    } else {
      expect(false, 'workload', 'null or an object with a tables array');
    }
  }
  expect(data.notes === undefined || Array.isArray(data.notes), 'notes', 'an array of strings');
  return problems;
}

function validateTable(table: unknown, where: string, expect: (ok: boolean, where: string, what: string) => void): void {
  if (!isObject(table)) return expect(false, where, 'an object');
  expect(typeof table.name === 'string' && table.name.includes('.'), `${where}.name`, 'a schema-qualified name');
  for (const key of ['reltuples', 'relpages', 'heapBytes', 'toastBytes', 'indexBytes']) {
    expect(isNumber(table[key]), `${where}.${key}`, 'a number');
  }
  expect(Array.isArray(table.indexes), `${where}.indexes`, 'an array');
  if (!Array.isArray(table.columns)) return expect(false, `${where}.columns`, 'an array');
  table.columns.forEach((c, j) => {
    const at = `${where}.columns[${j}]`;
    if (!isObject(c)) return expect(false, at, 'an object');
    expect(typeof c.name === 'string' && typeof c.type === 'string', at, 'name and type strings');
    for (const key of ['avgWidth', 'nullFrac', 'nDistinct']) {
      expect(c[key] === null || isNumber(c[key]), `${at}.${key}`, 'a number or null');
    }
  });
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
