import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { ClientCache, ROLE_ARN_PATTERN } from '@tfo/aws';
import { z } from 'zod';

export { httpStatus, loadDynamoDbSdk, loadS3Sdk } from '@tfo/aws';

/** Where the AWS sinks send their calls: region, an optional role, and endpoint overrides for test servers. */
export const awsTargetSchema = z.object({
  region: z.string().min(1).default('us-east-1'),
  /** Role assumed for the sink's calls (a central audit account); default the ambient credentials. */
  roleArn: z.string().regex(ROLE_ARN_PATTERN, 'an IAM role ARN').optional(),
  /** Endpoint override (an S3- or DynamoDB-compatible server); STS uses it too when a role is set. */
  endpoint: z.string().url().optional(),
  /** Path-style S3 addressing (most S3-compatible servers need it). */
  forcePathStyle: z.boolean().default(false),
});
export type AwsTarget = z.output<typeof awsTargetSchema>;

export interface SinkClients {
  s3(): Promise<S3Client>;
  dynamodb(): Promise<DynamoDBClient>;
  destroy(): void;
}

/**
 * The SDK clients of a sink, made on first use: config loading does no I/O, and the AWS SDK is
 * imported only when a sink first connects (a config with the file sink alone never loads it).
 */
export function lazyClients(target: AwsTarget): SinkClients {
  const cache = new ClientCache({
    region: target.region,
    endpoints: { s3: target.endpoint, dynamodb: target.endpoint, sts: target.endpoint },
    usePathStyle: target.forcePathStyle,
    sessionName: 'tfo-audit',
  });
  return {
    s3: () => cache.s3(target.roleArn),
    dynamodb: () => cache.dynamodb(target.roleArn),
    destroy: () => cache.destroy(),
  };
}

/** `2026-11-27T14:43:58.123Z` → `20261127T144358.123Z`: sortable, and no characters S3 keys make awkward. */
export function compactTimestamp(iso: string): string {
  return iso.replace(/[-:]/g, '');
}

/** A path segment of an object key: what is safe stays, anything else becomes `_`. */
export function keySegment(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9._=+-]/g, '_');
  return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
}
