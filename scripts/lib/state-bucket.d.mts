import type { S3Client } from '@aws-sdk/client-s3';

/** An S3 client acting as `roleArn`, assumed through STS at `endpoint`. */
export function s3As(endpoint: string, roleArn: string, region?: string): Promise<S3Client>;

/** Creates a versioned, encrypted, private state bucket in the account of `roleArn`. */
export function createStateBucket(
  endpoint: string,
  options: { bucket: string; roleArn: string; region?: string },
): Promise<S3Client>;
