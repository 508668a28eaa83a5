/**
 * Splits a dbmate file into its `-- migrate:up [options]` and `-- migrate:down [options]` sections.
 * Each section starts on the line after its marker, so parser positions map back to the file
 * through `startLine`.
 */
import { DrydockError } from '../../util/errors';

export interface DbmateSection {
  sql: string;
  /** 1-based file line of the section's first line. */
  startLine: number;
  /** `key:value` options after the marker, e.g. { transaction: "false" }. */
  options: Record<string, string>;
  markerLine: number;
}

export interface DbmateSections {
  up: DbmateSection;
  down: DbmateSection | null;
}

const MARKER = /^--\s*migrate:(up|down)\b(.*)$/;

function parseOptions(rest: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const word of rest.trim().split(/\s+/).filter(Boolean)) {
    const [key, value = ''] = word.split(':', 2);
    options[key] = value;
  }
  return options;
}

export function splitDbmateSections(text: string, path: string): DbmateSections {
  // Offsets of each line start; a section runs from the line after its marker to the next marker.
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const markers: { kind: string; line: number; options: Record<string, string> }[] = [];
  for (let i = 0; i < lineStarts.length; i++) {
    const end = i + 1 < lineStarts.length ? lineStarts[i + 1] - 1 : text.length;
    const match = MARKER.exec(text.slice(lineStarts[i], end).replace(/\r$/, ''));
    if (match) markers.push({ kind: match[1], line: i + 1, options: parseOptions(match[2]) });
  }
  const fail = (message: string, line?: number) =>
    new DrydockError(message, { position: { path, line }, fix: 'a dbmate migration has one "-- migrate:up" section, optionally followed by one "-- migrate:down" section' });

  const [up, down, extra] = markers;
  if (!up || up.kind !== 'up') throw fail('dbmate migration does not start with a "-- migrate:up" section', up?.line);
  if (down && down.kind !== 'down') throw fail('second "-- migrate:up" section: drydock supports one up and one down section per file', down.line);
  if (extra) throw fail(`unexpected "-- migrate:${extra.kind}" after the down section: drydock supports one up and one down section per file`, extra.line);
  const head = text.slice(0, lineStarts[up.line - 1]);
  if (head.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('--'))) {
    throw fail('SQL before "-- migrate:up" belongs to no section and would never run', 1);
  }

  const section = (marker: { line: number; options: Record<string, string> }, endLine: number | null): DbmateSection => {
    const from = lineStarts[marker.line] ?? text.length;
    const to = endLine === null ? text.length : lineStarts[endLine - 1];
    return { sql: text.slice(from, to), startLine: marker.line + 1, options: marker.options, markerLine: marker.line };
  };
  return { up: section(up, down?.line ?? null), down: down ? section(down, null) : null };
}
