/**
 * How `transactional` is decided for a migration: a layout's own setting (dbmate option, Flyway
 * .conf, diesel metadata.toml, sqitch convention) wins, then drydock's `-- drydock:no-transaction`
 * directive, else the runner's default of one transaction per file.
 */

export interface TransactionMode {
  transactional: boolean;
  /** "default", or what decided it, e.g. "-- drydock:no-transaction (line 2)". */
  transactionSource: string;
}

export const DEFAULT_TRANSACTION: TransactionMode = { transactional: true, transactionSource: 'default' };

const DIRECTIVE = /^--\s*drydock:no-transaction\b/;

/**
 * Line (1-based, in the file) of `-- drydock:no-transaction` within the leading comment block
 * (blank lines and `--` comments before the first statement), or null. Only the header counts so
 * that the directive cannot hide between statements.
 */
export function findNoTransactionDirective(text: string, firstLine = 1): number | null {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (!line.startsWith('--')) return null;
    if (DIRECTIVE.test(line)) return firstLine + i;
  }
  return null;
}

/** `native`: the layout's own decision, when its configuration made one. */
export function resolveTransaction(text: string, native: TransactionMode | null, firstLine = 1): TransactionMode {
  if (native) return native;
  const line = findNoTransactionDirective(text, firstLine);
  if (line !== null) return { transactional: false, transactionSource: `-- drydock:no-transaction (line ${line})` };
  return DEFAULT_TRANSACTION;
}
