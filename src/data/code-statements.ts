/**
 * A code migration's recorded queries as parsed statements, positioned at their call sites in the
 * module, so the rest of the pipeline (tracer, report, rollback plan) treats them like SQL.
 */
import type { ParsedFile } from '../parse/parser';
import { parseSql } from '../parse/parser';
import type { RecordedQuery } from './db';

export function recordedText(recorded: RecordedQuery[]): string {
  return recorded.map((q) => q.sql.trim().replace(/;\s*$/, '')).join(';\n');
}

/** Parse the recorded queries; each statement takes the line and column of the call that sent it. */
export function parseRecorded(recorded: RecordedQuery[], path: string): ParsedFile {
  const parsed = parseSql(recordedText(recorded), `${path} (queries sent at run time)`);
  // One query may hold several statements: map each back by its line in the joined text.
  const firstLines: number[] = [];
  let line = 1;
  for (const q of recorded) {
    firstLines.push(line);
    line += q.sql.trim().replace(/;\s*$/, '').split('\n').length - 1 + 1;
  }
  for (const statement of parsed.statements) {
    let k = 0;
    while (k + 1 < firstLines.length && firstLines[k + 1] <= statement.line) k++;
    statement.line = recorded[k].line;
    statement.endLine = recorded[k].line;
    statement.column = recorded[k].column;
  }
  return parsed;
}
