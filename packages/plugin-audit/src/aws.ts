import { ClientCache } from '@tfo/plugin-s3-backup';
import { z } from 'zod';

type Clients = ReturnType<ClientCache['for']>;

/** Where the AWS sinks send their calls: region, an optional role, and endpoint overrides for test servers. */
export const awsTargetSchema = z.object({
  region: z.string().min(1).default('us-east-1'),
  /** Role assumed for the sink's calls (a central audit account); default the ambient credentials. */
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN')
    .optional(),
  /** Endpoint override (an S3- or DynamoDB-compatible server); STS uses it too when a role is set. */
  endpoint: z.string().url().optional(),
  /** Path-style S3 addressing (most S3-compatible servers need it). */
  forcePathStyle: z.boolean().default(false),
});
export type AwsTarget = z.output<typeof awsTargetSchema>;

/** One set of SDK clients per sink, made on first use (config loading does no I/O). */
export function lazyClients(target: AwsTarget): { get(): Clients; destroy(): void } {
  let cache: ClientCache | undefined;
  return {
    get() {
      cache ??= new ClientCache({
        region: target.region,
        endpoints: { s3: target.endpoint, dynamodb: target.endpoint, sts: target.endpoint },
        usePathStyle: target.forcePathStyle,
      });
      return cache.for(target.roleArn);
    },
    destroy() {
      cache?.destroy();
      cache = undefined;
    },
  };
}

/** The HTTP status of an SDK error, if it has one. */
export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
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
