/** Server-side encryption as request parameters; every write (probe, upload, metadata copy) uses the same. */
import type { S3Location } from './types';

export function encryptionParams(location: S3Location): { ServerSideEncryption?: 'AES256' | 'aws:kms'; SSEKMSKeyId?: string } {
  const sse = location.encryption;
  if (!sse) return {};
  if (sse.type === 'AES256') return { ServerSideEncryption: 'AES256' };
  return { ServerSideEncryption: 'aws:kms', ...(sse.kmsKeyId ? { SSEKMSKeyId: sse.kmsKeyId } : {}) };
}
