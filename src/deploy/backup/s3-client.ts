/**
 * One S3 client per operation, configured from S3Location, and the translation of SDK failures into
 * DrydockErrors that say what is wrong with the bucket and what to do — with every secret redacted.
 */
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { DrydockError } from '../../util/errors';
import { redact, registerSecret } from '../../util/secrets';
import type { S3Location } from './types';

export function createS3Client(location: S3Location): S3Client {
  registerSecret(location.credentials?.secretAccessKey);
  registerSecret(location.credentials?.sessionToken);
  // Credentials from the SDK's default chain can come from these; keep them out of any text we emit.
  registerSecret(process.env.AWS_SECRET_ACCESS_KEY);
  registerSecret(process.env.AWS_SESSION_TOKEN);
  return new S3Client({
    region: location.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: location.endpoint,
    forcePathStyle: location.forcePathStyle,
    credentials: location.credentials,
    maxAttempts: location.maxAttempts,
    // drydock hashes the whole dump itself (sha256, end to end); the SDK's default per-request CRC32,
    // computed in JavaScript, cost about a quarter of the backup's throughput and adds nothing to it.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** "s3://bucket/key" */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

export function parseS3Url(text: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(text);
  if (!match) {
    throw new DrydockError(`not an S3 object URL: ${redact(text)}`, { fix: 'use s3://bucket/prefix/db/<timestamp>-<version>.dump or latest' });
  }
  return { bucket: match[1], key: match[2] };
}

/** What went wrong talking to S3, as a user-facing error. `action` is e.g. "upload the backup". */
export function s3Failure(error: unknown, action: string, location: S3Location): DrydockError {
  const where = `bucket ${location.bucket}${location.endpoint ? ` at ${location.endpoint}` : ''}`;
  const code = errorCode(error);
  const message = redact(error instanceof Error ? error.message : String(error));
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  if (code && NETWORK_CODES.has(code)) {
    return new DrydockError(`cannot ${action}: S3 endpoint unreachable for ${where} (${code})`, {
      fix: 'check the S3 endpoint, region and network access from this runner',
    });
  }
  if (code === 'NoSuchBucket' || (code === 'NotFound' && status === 404)) {
    return new DrydockError(`cannot ${action}: ${where} does not exist`, { fix: 'create the bucket or fix the bucket name / region' });
  }
  if (code && CREDENTIAL_CODES.has(code)) {
    return new DrydockError(`cannot ${action}: S3 rejected the credentials for ${where} (${code})`, {
      fix: 'check the access key / secret (or the OIDC role) used for S3',
    });
  }
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    return new DrydockError(`cannot ${action}: access denied to ${where}`, {
      fix: 'grant s3:PutObject, s3:GetObject, s3:ListBucket and s3:DeleteObject on the bucket/prefix (and kms:GenerateDataKey for aws:kms)',
    });
  }
  return new DrydockError(`cannot ${action} (${where}): ${code ?? 'error'}: ${message}`, {
    fix: 'check the S3 settings (endpoint, region, bucket, forcePathStyle) and permissions',
  });
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'TimeoutError']);
const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
]);

function errorCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') return e.code;
  // Node wraps dual-stack connection failures in an AggregateError whose parts carry the code.
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const c = errorCode(inner);
      if (c) return c;
    }
  }
  if (e.cause) {
    const c = errorCode(e.cause);
    if (c) return c;
  }
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  // The SDK's retry layer re-wraps errors that fail `instanceof Error` (e.g. from another VM context)
  // into a plain Error that keeps only the text: recover the network code from it.
  const text = error instanceof Error ? error.message : String(error);
  return [...NETWORK_CODES].find((networkCode) => new RegExp(`\\b${networkCode}\\b`).test(text));
}
