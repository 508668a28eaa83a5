/** The interface every layout implements, and the pieces they share to build MigrationFile values. */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Direction, LayoutName } from '../../report/types';
import type { LoadContext, Script } from '../context';
import { resolveTransaction, type TransactionMode } from '../directives';
import type { MigrationFile } from '../types';
import { DrydockError } from '../../util/errors';

export interface DirectoryListing {
  absPath: string;
  /** Names of regular files, sorted. */
  files: string[];
  /** Names of subdirectories, sorted (symlinked directories are not followed, so no cycles). */
  dirs: string[];
}

export interface Layout {
  name: LayoutName;
  /** 0 when the directory is not in this layout, up to 1 when it certainly is. */
  detect(dir: DirectoryListing): number;
  /** Migrations in the order the runner applies them (up and repeatable), downs attached. */
  load(dir: DirectoryListing, context: LoadContext): MigrationFile[];
}

export function listDirectory(absPath: string): DirectoryListing {
  const entries = readdirSync(absPath, { withFileTypes: true });
  // A symlink counts as a file unless it points at a directory (a dangling one then fails to read
  // with its path in the message instead of silently disappearing).
  const isFileLike = (e: Dirent) => e.isFile() || (e.isSymbolicLink() && !statSync(path.join(absPath, e.name), { throwIfNoEntry: false })?.isDirectory());
  const files = entries.filter(isFileLike).map((e) => e.name).sort();
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return { absPath, files, dirs };
}

export function childPath(dir: DirectoryListing, name: string): string {
  return path.join(dir.absPath, name);
}

export type AttachedScript = NonNullable<MigrationFile['down']>;

/** A down, undo, revert or verify script hung on its migration. */
export function attached(script: Script, sql = script.text, sqlStartLine = 1): AttachedScript {
  return { path: script.path, absPath: script.absPath, sql, sqlStartLine };
}

export interface MigrationFields {
  id: string;
  description: string;
  direction?: Direction;
  /** The layout's own transaction setting, when its configuration decided one. */
  native?: TransactionMode | null;
  /** Defaults to the whole file from line 1. */
  sql?: string;
  sqlStartLine?: number;
  down?: AttachedScript | null;
  verify?: AttachedScript | null;
}

export function makeMigration(layout: LayoutName, script: Script, fields: MigrationFields): MigrationFile {
  const { transactional, transactionSource } = resolveTransaction(script.text, fields.native ?? null);
  return {
    id: fields.id,
    description: fields.description,
    path: script.path,
    absPath: script.absPath,
    layout,
    direction: fields.direction ?? 'up',
    sql: fields.sql ?? script.text,
    sqlStartLine: fields.sqlStartLine ?? 1,
    checksum: script.checksum,
    transactional,
    transactionSource,
    down: fields.down ?? null,
    verify: fields.verify ?? null,
    isNew: true,
  };
}

export function misnamedFileError(path: string, expected: string): DrydockError {
  return new DrydockError(`file name does not match the layout: expected ${expected}`, {
    position: { path },
    fix: 'rename the file, or move files that are not migrations out of the migrations folder',
  });
}

export function downWithoutUpError(path: string, expectedUp: string): DrydockError {
  return new DrydockError(`down script without an up migration: expected ${expectedUp}`, {
    position: { path },
    fix: 'add the up migration, or delete the orphaned down script',
  });
}

export function missingFileError(dirPath: string, fileName: string): DrydockError {
  return new DrydockError(`migration directory has no ${fileName}`, {
    position: { path: dirPath },
    fix: `add ${dirPath}/${fileName}, or remove the directory if it is not a migration`,
  });
}
