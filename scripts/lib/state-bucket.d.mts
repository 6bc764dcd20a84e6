import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

/** An S3 client acting as `roleArn`, assumed through STS at `endpoint`. */
export function s3As(endpoint: string, roleArn: string, region?: string): Promise<S3Client>;

/** Creates a versioned, encrypted, private state bucket in the account of `roleArn`. */
export function createStateBucket(
  endpoint: string,
  options: { bucket: string; roleArn: string; region?: string },
): Promise<S3Client>;

/** A DynamoDB client acting as `roleArn`. */
export function dynamodbAs(endpoint: string, roleArn: string, region?: string): Promise<DynamoDBClient>;

/** Creates the audit store (an Object Lock bucket and the index table) in the account of `roleArn`. */
export function createAuditStore(
  endpoint: string,
  options: { bucket: string; table: string; roleArn: string; region?: string },
): Promise<{ s3: S3Client; db: DynamoDBClient }>;

/** Creates the audit index table the DynamoDB sink writes (`pk` HASH, `sk` RANGE, on demand). */
export function createAuditTable(db: DynamoDBClient, table: string): Promise<void>;
