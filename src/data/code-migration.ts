/**
 * TypeScript/JavaScript migrations: a module exporting `up(db)` and optionally `down(db)`, as
 * `export const migration = { async up(db) {…}, async down(db) {…} }`, plain
 * `export async function up(db)`, or a default export of that object. .ts files load with no build
 * step: sucrase strips the types (keeping line numbers) and the result is compiled as a CommonJS
 * module in place, so relative imports and node_modules next to the migration resolve as usual
 * (this also works inside the ncc bundle, which carries sucrase).
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as nodePath from 'node:path';
import { DrydockError } from '../util/errors';
import type { MigrationDb } from './db';

export interface CodeMigration {
  up(db: MigrationDb): Promise<unknown>;
  down: ((db: MigrationDb) => Promise<unknown>) | null;
}

const CODE_EXTENSION = /\.(ts|mts|cts|js|mjs|cjs)$/;

export function isCodeMigrationPath(path: string): boolean {
  return CODE_EXTENSION.test(path) && !/\.d\.[cm]?ts$/.test(path);
}

type CompilableModule = Module & { _compile(code: string, filename: string): void };
const ModuleStatics = Module as unknown as { _nodeModulePaths(dir: string): string[] };

/** Load the module fresh (no require cache: a dry run and a deploy in one process see the file as it is). */
export function loadCodeMigration(absPath: string, displayPath: string): CodeMigration {
  let exported: Record<string, unknown>;
  try {
    const source = fs.readFileSync(absPath, 'utf8');
    const typescript = /\.[cm]?ts$/.test(absPath);
    // Required here, not at the top: only a project with code migrations pays for loading sucrase.
    const { transform } = require('sucrase') as typeof import('sucrase');
    const code = transform(source, {
      transforms: typescript ? ['typescript', 'imports'] : ['imports'],
      filePath: absPath,
      production: true,
    }).code;
    const mod = new Module(absPath) as CompilableModule;
    mod.filename = absPath;
    mod.paths = ModuleStatics._nodeModulePaths(nodePath.dirname(absPath));
    mod._compile(code, absPath);
    exported = mod.exports as Record<string, unknown>;
  } catch (error) {
    const e = error as Error & { loc?: { line: number; column: number } };
    throw new DrydockError(`cannot load the migration module: ${e.message}`, {
      position: { path: displayPath, line: e.loc?.line ?? lineInFile(e, absPath) ?? undefined },
      fix: 'fix the module so it compiles and runs on import (drydock strips TypeScript types with sucrase; it does not type-check)',
    });
  }
  const shape = (exported.migration ?? exported.default ?? exported) as Record<string, unknown>;
  const up = shape.up ?? exported.up;
  const down = shape.down ?? exported.down ?? null;
  if (typeof up !== 'function' || (down !== null && typeof down !== 'function')) {
    throw new DrydockError('the migration module exports no up(db) function', {
      position: { path: displayPath },
      fix: 'export `const migration = { async up(db) {…}, async down(db) {…} }`, or `export async function up(db)` (down optional)',
    });
  }
  return { up: up as CodeMigration['up'], down: down as CodeMigration['down'] };
}

/** The line of `absPath` in an error's stack (the user's frame), if any. */
export function lineInFile(error: { stack?: string }, absPath: string): number | null {
  return callSite(error.stack ?? '', absPath)?.line ?? null;
}

export function callSite(stack: string, absPath: string): { line: number; column: number } | null {
  for (const frame of stack.split('\n')) {
    const at = frame.lastIndexOf(`${absPath}:`);
    if (at === -1) continue;
    const match = /^:(\d+):(\d+)/.exec(frame.slice(at + absPath.length));
    if (match) return { line: Number(match[1]), column: Number(match[2]) };
  }
  return null;
}
