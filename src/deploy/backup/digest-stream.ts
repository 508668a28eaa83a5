/**
 * sha256 and byte count of a stream, computed as the bytes pass, so that the dump is hashed on its
 * way to S3 and on its way back without ever being stored or read twice.
 */
import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback, Writable } from 'node:stream';

export interface Digest {
  sha256: string;
  bytes: number;
}

/** A pass-through that hashes and counts what flows through it. */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.count += chunk.length;
    callback(null, chunk);
  }

  /** Call once, after the stream has ended. */
  digest(): Digest {
    return { sha256: this.hash.digest('hex'), bytes: this.count };
  }
}

/**
 * Read `source` to its end, hashing every byte, and write it into `sink` (a program's stdin).
 * The program may stop reading early (`pg_restore --list` needs only the table of contents; a failed
 * pg_restore exits): the rest is still read and hashed, so the digest always covers the whole object.
 */
export async function hashWhileFeeding(source: AsyncIterable<Uint8Array>, sink: Writable): Promise<Digest> {
  const hash = createHash('sha256');
  let bytes = 0;
  let sinkOpen = true;
  const closeSink = () => {
    sinkOpen = false;
  };
  // EPIPE when the program has exited: expected, see above.
  sink.on('error', closeSink);
  sink.on('close', closeSink);
  for await (const chunk of source) {
    hash.update(chunk);
    bytes += chunk.length;
    if (sinkOpen && !sink.write(chunk)) await drainedOrClosed(sink);
  }
  if (sinkOpen) sink.end();
  return { sha256: hash.digest('hex'), bytes };
}

function drainedOrClosed(sink: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done);
      sink.off('close', done);
      sink.off('error', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
    sink.on('error', done);
  });
}
