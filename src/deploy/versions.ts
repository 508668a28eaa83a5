/**
 * Matching a version another runner recorded with a migration file: runners write the same
 * version differently (Flyway "1.2" for V1_2__x.sql, diesel "20240101120000" for the directory
 * "2024-01-01-120000_x", Prisma the whole directory name).
 */
import * as path from 'node:path';
import type { ParsedMigration } from '../engine/types';

/** "1.02_3" → "1.2.3"; non-numeric parts kept as they are. */
function segmentKey(version: string): string {
  return version
    .split(/[._]/)
    .map((part) => (/^\d+$/.test(part) ? String(BigInt(part)) : part))
    .join('.');
}

/** Digits only, for timestamp versions written with dashes ("2024-01-01-120000"); dotted versions are not timestamps. */
function digitKey(version: string): string | null {
  if (!/^[\d-]+$/.test(version)) return null;
  const digits = version.replace(/\D/g, '');
  return digits === '' ? null : String(BigInt(digits));
}

export function sameVersion(a: string, b: string): boolean {
  if (a === b || segmentKey(a) === segmentKey(b)) return true;
  const da = digitKey(a);
  return da !== null && da === digitKey(b);
}

/** The names a migration may be recorded under: its id, its directory (Prisma, diesel) and its file name. */
function namesOf(pm: ParsedMigration): string[] {
  const p = pm.migration.path;
  const file = path.posix.basename(p).replace(/(\.(up|down))?\.sql$/i, '');
  return [pm.migration.id, path.posix.basename(path.posix.dirname(p)), file, path.posix.basename(p)];
}

export function findMigration(migrations: ParsedMigration[], recorded: string): ParsedMigration | undefined {
  return (
    migrations.find((pm) => pm.migration.id === recorded) ??
    migrations.find((pm) => namesOf(pm).some((name) => name === recorded)) ??
    migrations.find((pm) => sameVersion(pm.migration.id, recorded)) ??
    byTimestampAlone(migrations, recorded)
  );
}

/**
 * A `<timestamp>_<name>` migration (Prisma's and diesel's directories) by its timestamp alone, as
 * people type it ("--since 20240604143030"), when exactly one migration has that timestamp. The
 * name must start with a letter, so Flyway's "1_1" never answers to "1".
 */
function byTimestampAlone(migrations: ParsedMigration[], version: string): ParsedMigration | undefined {
  if (!/^\d[\d-]*$/.test(version)) return undefined;
  const matches = migrations.filter((pm) => namesOf(pm).some((name) => name.startsWith(`${version}_`) && /^[a-z]/i.test(name.slice(version.length + 1))));
  return matches.length === 1 ? matches[0] : undefined;
}

/** Numeric-aware comparison of two versions (segments compared as numbers when both are). */
export function compareVersions(a: string, b: string): number {
  const pa = segmentKey(a).split('.');
  const pb = segmentKey(b).split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return BigInt(x) < BigInt(y) ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Migrations up to and including `version`: by apply order when a file matches, else by version order. */
export function migrationsUpTo(migrations: ParsedMigration[], version: string): ParsedMigration[] {
  const ups = migrations.filter((pm) => pm.migration.direction === 'up');
  const match = findMigration(ups, version);
  if (match) return ups.slice(0, ups.indexOf(match) + 1);
  return ups.filter((pm) => compareVersions(digitKey(pm.migration.id) ?? pm.migration.id, digitKey(version) ?? version) <= 0);
}
