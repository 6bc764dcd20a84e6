import { ROLE_ARN_PATTERN } from '@tfo/aws';
import { z } from 'zod';

const endpoint = z.string().url();

export const s3BackupOptionsSchema = z
  .object({
    /**
     * State bucket: one central bucket, or a pattern per account with `{account}` (name) and
     * `{account_id}` placeholders, e.g. `tfo-state-{account_id}`.
     */
    bucket: z.string().min(3),
    /** Region of the state bucket(s). */
    region: z.string().min(1),
    /**
     * Role for the central state bucket (terraform's backend and this plugin's SDK calls). Default:
     * with a per-account bucket pattern, each account's own role; with a central bucket, none
     * (the ambient credentials).
     */
    stateRoleArn: z.string().regex(ROLE_ARN_PATTERN, 'an IAM role ARN').optional(),
    /** SSE-KMS key for state and backups; default AES256. */
    kmsKeyId: z.string().min(1).optional(),
    /** terraform's own lock: S3 lock file, a DynamoDB table, or both. */
    lock: z.enum(['lockfile', 'dynamodb', 'both']).default('lockfile'),
    dynamodbTable: z.string().min(3).optional(),
    /** Where backups go in the bucket (when the bucket is not versioned, or always as a copy). */
    backupPrefix: z
      .string()
      .default('backups/')
      .transform((p) => (p.endsWith('/') ? p : `${p}/`)),
    /** tfo's lease per key, beside terraform's lock: where, and how long a holder may be silent. */
    leasePrefix: z
      .string()
      .default('tfo-leases/')
      .transform((p) => (p.endsWith('/') ? p : `${p}/`)),
    leaseTtlSeconds: z.number().int().min(5).default(300),
    /** How long a second run waits for a held lease before its deployment fails. */
    leaseWaitSeconds: z.number().int().min(0).default(600),
    retentionDays: z.number().int().min(1).default(30),
    keepLast: z.number().int().min(1).default(5),
    /** Endpoint overrides (S3-compatible stores, local test servers). */
    endpoints: z
      .object({ s3: endpoint.optional(), dynamodb: endpoint.optional(), sts: endpoint.optional() })
      .strict()
      .default({}),
    /** Path-style S3 addressing (most S3-compatible servers need it). */
    usePathStyle: z.boolean().default(false),
    /** For test servers: skip the credential and account id checks terraform's backend makes. */
    skipCredentialsValidation: z.boolean().default(false),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.lock !== 'lockfile' && !o.dynamodbTable) {
      ctx.addIssue({ code: 'custom', path: ['dynamodbTable'], message: `lock "${o.lock}" needs dynamodbTable` });
    }
  });

export type S3BackupOptions = z.input<typeof s3BackupOptionsSchema>;
export type ResolvedS3BackupOptions = z.output<typeof s3BackupOptionsSchema>;

/** The bucket of an account: the central one, or the pattern filled in. */
export function bucketFor(
  options: Pick<ResolvedS3BackupOptions, 'bucket'>,
  account: { name: string; id: string },
): string {
  return options.bucket.replaceAll('{account}', account.name).replaceAll('{account_id}', account.id);
}

/** Whether each account has its own bucket (a pattern) or all share one. */
export function perAccount(options: Pick<ResolvedS3BackupOptions, 'bucket'>): boolean {
  return /\{account(_id)?\}/.test(options.bucket);
}
