/**
 * A real S3-protocol server for tests: s3rver on a free loopback port, data in a temporary directory,
 * one bucket created. `stop()` closes the server and removes the directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
// s3rver ships no type declarations.
const S3rver = require('s3rver');

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** Client settings for this server: path-style, any credentials, region us-east-1. */
  clientConfig: {
    endpoint: string;
    region: string;
    forcePathStyle: true;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  directory: string;
  stop(): Promise<void>;
}

export async function startTestS3(options: { bucket?: string } = {}): Promise<TestS3> {
  const bucket = options.bucket ?? 'backups';
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'drydock-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    directory,
    clientConfig: {
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      // s3rver knows the access key id S3RVER only (others get 403); the secret is not checked by default.
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER-test-secret' },
    },
    async stop() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
