/** Temporary migration trees for discovery tests, removed after each test file. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DrydockError } from '../../src/util/errors';

const created: string[] = [];

/** Writes `files` (relative path → content) under a new temporary directory and returns it. */
export function makeTree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'drydock-discover-'));
  created.push(root);
  for (const [relative, content] of Object.entries(files)) {
    const absPath = path.join(root, relative);
    mkdirSync(path.dirname(absPath), { recursive: true });
    writeFileSync(absPath, content);
  }
  return root;
}

export function removeTrees(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Awaits a promise that must reject with a DrydockError; returns it for further assertions. */
export async function drydockError(promise: Promise<unknown>): Promise<DrydockError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DrydockError);
    expect((error as DrydockError).exitCode).toBe(2);
    return error as DrydockError;
  }
  throw new Error('expected a DrydockError, but discovery succeeded');
}
