/**
 * Strict file reading: migrations must be UTF-8. A file in another encoding would reach the parser
 * as replacement characters and produce confusing errors far from the cause, so we stop at the
 * first invalid byte and say where it is.
 */
import { readFileSync } from 'node:fs';
import { DrydockError } from '../util/errors';

export interface ReadFile {
  /** Decoded text without a leading byte-order mark. */
  text: string;
  bytes: Buffer;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `displayPath` is the repository-relative path used in error messages. */
export function readUtf8File(absPath: string, displayPath: string): ReadFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absPath);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DrydockError(`cannot read migration file (${reason})`, {
      position: { path: displayPath },
      fix: 'make the file readable by the user running drydock',
    });
  }
  try {
    return { text: strictUtf8.decode(bytes), bytes };
  } catch {
    throw invalidUtf8Error(bytes, displayPath);
  }
}

function invalidUtf8Error(bytes: Buffer, displayPath: string): DrydockError {
  const offset = firstInvalidUtf8Byte(bytes);
  const before = bytes.subarray(0, offset);
  const line = before.filter((b) => b === 0x0a).length + 1;
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const column = new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1;
  return new DrydockError(`file is not valid UTF-8 (invalid byte 0x${bytes[offset].toString(16).padStart(2, '0')} at byte offset ${offset})`, {
    position: { path: displayPath, line, column },
    fix: 'save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)',
  });
}

/**
 * A lenient decode followed by re-encoding reproduces every valid prefix byte for byte; the first
 * byte that differs is where the decoder had to substitute a replacement character.
 */
function firstInvalidUtf8Byte(bytes: Buffer): number {
  const roundTrip = Buffer.from(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), 'utf8');
  let i = 0;
  while (i < bytes.length && i < roundTrip.length && bytes[i] === roundTrip[i]) i++;
  return Math.min(i, bytes.length - 1);
}
