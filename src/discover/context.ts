/** What every layout loader needs: where paths are relative to, and how to read a script once. */
import * as path from 'node:path';
import { migrationChecksum } from './checksum';
import { readUtf8File } from './read';

export interface LoadContext {
  /** Absolute directory that MigrationFile paths are relative to (git toplevel, else cwd). */
  root: string;
  /** Flyway placeholder values configured by the user (names compared case-insensitively). */
  placeholders: Record<string, string>;
}

export interface Script {
  /** Repository-relative path with "/" separators. */
  path: string;
  absPath: string;
  text: string;
  checksum: string;
}

export function repoPath(root: string, absPath: string): string {
  return path.relative(root, absPath).split(path.sep).join('/') || '.';
}

export function readScript(context: LoadContext, absPath: string): Script {
  const display = repoPath(context.root, absPath);
  const { text, bytes } = readUtf8File(absPath, display);
  return { path: display, absPath, text, checksum: migrationChecksum(bytes) };
}
