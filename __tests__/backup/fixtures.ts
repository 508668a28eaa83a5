/** Shared setup for the backup tests: a seeded PostgreSQL 15 database and S3 settings for s3rver. */
import { createHash } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { withClient } from '../../src/util/pg';
import type { S3Location } from '../../src/deploy/backup';
import type { TestS3 } from '../support/s3';

/** Three related tables, a few thousand rows, an index, a foreign key and a sequence. */
export async function seedDatabase(url: string): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(`
      CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id), total numeric(10,2) NOT NULL);
      CREATE INDEX orders_customer_idx ON orders (customer_id);
      CREATE TABLE notes (id int PRIMARY KEY, body text);
      INSERT INTO customers (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 3000) g;
      INSERT INTO orders (customer_id, total) SELECT 1 + g % 3000, (g % 997) / 10.0 FROM generate_series(1, 6000) g;
      INSERT INTO notes SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 1500) g;
    `);
  });
}

export async function rowCounts(url: string): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ relname: string }>(
      "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY relname",
    );
    const counts: Record<string, number> = {};
    for (const { relname } of rows) {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${relname}"`);
      counts[relname] = Number(r.rows[0].n);
    }
    return counts;
  });
}

export function s3Location(s3: TestS3, prefix = 'drydock'): S3Location {
  return { bucket: s3.bucket, prefix, ...s3.clientConfig };
}

export function testClient(s3: TestS3): S3Client {
  return new S3Client(s3.clientConfig);
}

export async function objectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}
