import { createHash } from 'node:crypto';

/**
 * sha256 hex of a file's bytes with CRLF normalised to LF, so a checkout with autocrlf does not make
 * every applied migration look edited (the failure Flyway users hit with CRC32 checksums).
 */
export function migrationChecksum(bytes: Buffer): string {
  const hash = createHash('sha256');
  let start = 0;
  for (let i = bytes.indexOf(0x0d); i !== -1; i = bytes.indexOf(0x0d, i + 1)) {
    if (bytes[i + 1] !== 0x0a) continue;
    hash.update(bytes.subarray(start, i));
    start = i + 1;
  }
  hash.update(bytes.subarray(start));
  return hash.digest('hex');
}
