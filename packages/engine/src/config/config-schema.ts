import { z } from 'zod';
import type { Plugin } from '../run/plugin.js';

/** Default tfvars top-level key → service. Extend or override with `services` in config. */
export const DEFAULT_SERVICE_MAP: Readonly<Record<string, string>> = Object.freeze({
  s3_buckets: 's3',
  s3_bucket: 's3',
  kms_keys: 'kms',
  kms_key: 'kms',
  iam_roles: 'iam',
  iam_policies: 'iam',
  iam_users: 'iam',
  lambda_functions: 'lambda',
  lambda_function: 'lambda',
  dynamodb_tables: 'dynamodb',
  dynamodb_table: 'dynamodb',
  rds_instances: 'rds',
  rds_clusters: 'rds',
  ec2_instances: 'ec2',
  ebs_volumes: 'ec2',
  vpc_configs: 'vpc',
  security_groups: 'vpc',
  sns_topics: 'sns',
  sqs_queues: 'sqs',
  cloudwatch_alarms: 'cloudwatch',
  cloudwatch_log_groups: 'cloudwatch',
  api_gateways: 'apigateway',
  ssm_parameters: 'ssm',
});

/** Default region code → region. */
export const DEFAULT_REGION_CODES: Readonly<Record<string, string>> = Object.freeze({
  use1: 'us-east-1',
  use2: 'us-east-2',
  usw1: 'us-west-1',
  usw2: 'us-west-2',
  euw1: 'eu-west-1',
  euw2: 'eu-west-2',
  euw3: 'eu-west-3',
  euc1: 'eu-central-1',
  eun1: 'eu-north-1',
  aps1: 'ap-south-1',
  apse1: 'ap-southeast-1',
  apse2: 'ap-southeast-2',
  apne1: 'ap-northeast-1',
  cac1: 'ca-central-1',
  sae1: 'sa-east-1',
});

const accountSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
    id: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN')
      .optional(),
    allowedRegions: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** Allowed `maxWorkers` (also for `--max-workers` and TFO_MAX_WORKERS). */
export const MAX_WORKERS_RANGE = Object.freeze({ min: 1, max: 64 });

/** Allowed seconds for a hook deadline (`hookTimeoutSeconds`). */
export const HOOK_TIMEOUT_RANGE = Object.freeze({ min: 1, max: 86_400 });

const hookSeconds = z.number().int().min(HOOK_TIMEOUT_RANGE.min).max(HOOK_TIMEOUT_RANGE.max).optional();

/**
 * Seconds a plugin's tap of each hook may take before it fails its deployment (or the run):
 * `default` for every hook not named. The engine's own terraform taps (and a state plugin's lease
 * and rollback) are never cut shorter than terraform's own timeout (see settings.ts).
 */
const hookTimeoutSchema = z
  .object({
    default: hookSeconds,
    discover: hookSeconds,
    prepare: hookSeconds,
    lock: hookSeconds,
    init: hookSeconds,
    plan: hookSeconds,
    validate: hookSeconds,
    backup: hookSeconds,
    apply: hookSeconds,
    verify: hookSeconds,
    recover: hookSeconds,
    settled: hookSeconds,
    audit: hookSeconds,
    report: hookSeconds,
  })
  .strict();

const pluginSchema = z.custom<Plugin>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { name?: unknown }).name === 'string' &&
    typeof (v as { apply?: unknown }).apply === 'function',
  { message: 'a plugin object { name, apply(engine) } (call the plugin factory, e.g. opa({...}))' },
);

export const configSchema = z
  .object({
    /** Folder searched for deployments, relative to the config file. */
    deploymentsDir: z.string().min(1).default('.'),
    /** Glob(s) of tfvars files inside `deploymentsDir`. */
    include: z.array(z.string().min(1)).default(['**/*.tfvars']),
    exclude: z.array(z.string().min(1)).default(['**/node_modules/**', '**/.terraform/**', '**/.tfo/**']),
    /** Root module: one for all deployments, or per service (with `default`). */
    rootModule: z.union([
      z.string().min(1),
      z.record(z.string(), z.string().min(1)).refine((m) => Object.keys(m).length > 0, 'at least one entry'),
    ]),
    /** `terraform`, `tofu`, a path, or `auto` (terraform on PATH, else tofu, else the one under .tools/bin). */
    terraformBinary: z.string().min(1).default('auto'),
    /** Provider filesystem mirror; `auto` uses the first of the usual places that exists, `none` disables. */
    providerMirror: z.string().min(1).default('auto'),
    accounts: z.record(z.string().min(1), accountSchema).refine((m) => Object.keys(m).length > 0, {
      message: 'at least one account',
    }),
    regionCodes: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** Extra or overriding tfvars key → service entries, merged over the defaults. */
    services: z.record(z.string().min(1), z.string().regex(/^[a-z0-9-]+$/)).default({}),
    /** tfvars keys read for the account key and the region (code or name), first match wins. */
    accountFields: z.array(z.string().min(1)).default(['account_key', 'account']),
    regionFields: z.array(z.string().min(1)).default(['region_code', 'region']),
    /** Parallel deployments; default min(2 × CPUs, 5). Env TFO_MAX_WORKERS overrides. */
    maxWorkers: z.number().int().min(MAX_WORKERS_RANGE.min).max(MAX_WORKERS_RANGE.max).optional(),
    /** Per-deployment timeout in seconds (default 30 min). */
    timeoutSeconds: z.number().int().min(1).default(1800),
    /** Deadline of every plugin tap, per hook (`{ default: 300, validate: 60 }`); see hookTimeoutSchema. */
    hookTimeoutSeconds: hookTimeoutSchema.default({}),
    /** Seconds to wait for another run's lock on a state key before failing that deployment. */
    lockTimeoutSeconds: z.number().int().min(0).default(600),
    /** Seconds a lock holder may go without renewing its heartbeat (every third of it) before its lock is stale. */
    lockTtlSeconds: z.number().int().min(3).default(300),
    /** Seconds to wait after SIGINT before terraform is killed. */
    interruptGraceSeconds: z.number().int().min(1).default(60),
    /** Where tfo keeps state, backups, locks, runs and history (relative to the config file). */
    stateDir: z.string().min(1).default('.tfo'),
    /** Bytes of terraform output kept in memory per deployment (the rest is on disk). */
    outputLimitBytes: z
      .number()
      .int()
      .min(4096)
      .default(1024 * 1024),
    recovery: z
      .object({
        /** Partial apply: re-apply the last good inputs (default), or restore the raw state backup. */
        mode: z.enum(['reapply', 'raw-restore']).default('reapply'),
        /** A failed first deployment (no state before): destroy what it created, or keep it for a human. */
        firstDeployment: z.enum(['destroy-created', 'keep']).default('destroy-created'),
      })
      .strict()
      .default({}),
    backups: z
      .object({
        retentionDays: z.number().int().min(1).default(30),
        keepLast: z.number().int().min(1).default(5),
      })
      .strict()
      .default({}),
    plugins: z.array(pluginSchema).default([]),
  })
  .strict();

export type TfoConfigInput = z.input<typeof configSchema>;
export type TfoConfig = z.output<typeof configSchema>;

/** Type help for `orchestrator.config.ts`. */
export function defineConfig(config: TfoConfigInput): TfoConfigInput {
  return config;
}
