/** Stream an S3 object's bytes into a program's stdin while hashing them (see hashWhileFeeding). */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Readable, Writable } from 'node:stream';
import { Digest, hashWhileFeeding } from './digest-stream';
import { s3Failure } from './s3-client';
import type { S3Location } from './types';

export async function feedObject(client: S3Client, location: S3Location, key: string, sink: Writable, action: string): Promise<Digest> {
  let body: Readable;
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
    body = object.Body as Readable;
  } catch (error) {
    sink.end();
    throw s3Failure(error, action, location);
  }
  try {
    return await hashWhileFeeding(body, sink);
  } catch (error) {
    sink.end();
    throw s3Failure(error, action, location);
  }
}
