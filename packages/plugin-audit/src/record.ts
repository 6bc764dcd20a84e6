import { planDigest, type AuditRecord as EngineAuditRecord } from '@tfo/engine';
import { z } from 'zod';
import { recordHash } from './canonical.js';
import { ciContext, contextSchema, envValue, type AuditContext } from './ci-context.js';

/** The version of the record layout below; a reader refuses any other. */
export const SCHEMA_VERSION = 1;

export const AUDIT_ACTIONS = ['plan', 'apply', 'recover', 'restore', 'unlock', 'waiver-used', 'drift'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const OUTCOMES = [
  'pending',
  'running',
  'planned',
  'no-changes',
  'applied',
  'blocked',
  'failed',
  'recovered',
  'cancelled',
  'skipped',
] as const;
const STAGES = ['lock', 'init', 'plan', 'validate', 'backup', 'apply', 'verify', 'recover', 'audit'] as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lower-case hex SHA-256');

const findingSchema = z
  .object({
    ruleId: z.string().min(1),
    severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
    level: z.enum(['deny', 'warn']),
    title: z.string(),
    message: z.string(),
    resource: z.string().optional(),
    remediation: z.string().optional(),
    file: z.string().optional(),
    source: z.string(),
    waived: z.object({ reason: z.string(), approver: z.string().optional(), expires: z.string() }).optional(),
    /** Policy findings: decided on a value unknown until apply, the rule's profile, the stable fingerprint. */
    unknown: z.boolean().optional(),
    profile: z.enum(['baseline', 'strict']).optional(),
    fingerprint: z.string().optional(),
  })
  // not strict: a plugin's extra finding fields are dropped, never a reason to lose the record
  .strip();

/** A record before it is chained: what every sink receives. */
export const auditEntrySchema = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    id: z.string().min(1),
    timestamp: z.string().datetime({ offset: true }),
    action: z.enum(AUDIT_ACTIONS),
    runId: z.string().min(1),
    deployment: z
      .object({
        key: z.string().min(1),
        account: z.string().min(1),
        accountId: z.string(),
        region: z.string(),
        project: z.string(),
        services: z.array(z.string()),
        file: z.string().min(1),
        sha256,
      })
      .strict(),
    actor: z.string().min(1),
    context: contextSchema,
    outcome: z.enum(OUTCOMES),
    error: z
      .object({
        stage: z.enum(STAGES),
        message: z.string(),
        code: z.string().optional(),
        plugin: z.string().optional(),
      })
      .strict()
      .nullable(),
    /** SHA-256 of the canonical JSON of `terraform show -json` of the plan, when there was a plan. */
    planSha256: sha256.nullable(),
    findings: z.array(findingSchema),
    /** The waived findings, one row each (also in `findings`, marked waived). */
    waivers: z.array(
      z
        .object({
          ruleId: z.string(),
          resource: z.string().nullable(),
          reason: z.string(),
          approver: z.string().nullable(),
          expires: z.string(),
        })
        .strict(),
    ),
    recovery: z
      .object({
        action: z.enum(['none', 'restore-backup', 'reapply-last-good', 'destroy-created', 'raw-restore', 'manual']),
        ok: z.boolean(),
        detail: z.string(),
        orphaned: z.array(z.string()).optional(),
        durationMs: z.number().nonnegative(),
        by: z.string(),
      })
      .strict()
      .nullable(),
    /** Each stage in the order it ran; `durationMs` is null for a stage that never ended. */
    stages: z.array(
      z
        .object({
          stage: z.enum(STAGES),
          startedAt: z.string(),
          durationMs: z.number().nonnegative().nullable(),
          ok: z.boolean().nullable(),
        })
        .strict(),
    ),
    /** Full terraform output, unredacted: store it only where it is encrypted at rest. */
    output: z.string(),
  })
  .strict();
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** A record as stored: the entry plus its link to the previous record and its own hash. */
export const auditRecordSchema = auditEntrySchema
  .extend({
    /** `hash` of the record before this one in the chain; null for the first record. */
    prev: sha256.nullable(),
    /**
     * Position in the chain, 1 for the first record (what an anchor names). Absent in records
     * written before chains were anchored; a reader counts those.
     */
    seq: z.number().int().positive().optional(),
    /** SHA-256 over the canonical JSON of this record without `hash` (see canonicalJson). */
    hash: sha256,
  })
  .strict();
export type ChainedAuditRecord = z.infer<typeof auditRecordSchema>;

/** What the plugin adds to the engine's record. */
export interface AuditExtra {
  /** Environment the CI context is read from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Which CI the record says it ran in (default: detected by ci-info, see `detectCi`). */
  ci?: AuditContext['ci'];
}

/** The CI context of a record, read from the environment (see ci-context.ts). */
export { ciContext, contextSchema, detectCi } from './ci-context.js';
export type { AuditContext } from './ci-context.js';

/** Plan digest: SHA-256 of the canonical JSON of the plan (the engine's, which fills `planSha256`). */
export { planDigest };

/** Maps the engine's record into the versioned schema, with who ran it from where. */
export function toAuditRecord(record: EngineAuditRecord, extra: AuditExtra = {}): AuditEntry {
  const env = extra.env ?? process.env;
  const { actor, context } = ciContext(env, extra.ci);
  const d = record.deployment;
  const entry: AuditEntry = {
    schemaVersion: SCHEMA_VERSION,
    id: record.id,
    timestamp: record.timestamp,
    action: record.action,
    runId: record.runId,
    deployment: {
      key: d.key,
      account: d.account,
      accountId: d.accountId,
      region: d.region,
      project: d.project,
      services: [...d.services],
      file: d.file,
      sha256: d.sha256,
    },
    actor: actor ?? envValue(env.USER) ?? envValue(env.USERNAME) ?? record.actor,
    context,
    outcome: record.outcome,
    error: record.error
      ? {
          stage: record.error.stage,
          message: record.error.message,
          code: record.error.code,
          plugin: record.error.plugin,
        }
      : null,
    planSha256: record.planSha256 ?? null,
    findings: record.findings.map((f) => ({ ...f, waived: f.waived && { ...f.waived } })),
    waivers: record.findings.flatMap((f) =>
      f.waived
        ? [
            {
              ruleId: f.ruleId,
              resource: f.resource ?? null,
              reason: f.waived.reason,
              approver: f.waived.approver ?? null,
              expires: f.waived.expires,
            },
          ]
        : [],
    ),
    recovery: record.recovery
      ? {
          action: record.recovery.action,
          ok: record.recovery.ok,
          detail: record.recovery.detail,
          orphaned: record.recovery.orphaned,
          durationMs: record.recovery.durationMs,
          by: record.recovery.by,
        }
      : null,
    stages: record.timings.map((t) => ({
      stage: t.stage,
      startedAt: new Date(t.startedAt).toISOString(),
      durationMs: t.endedAt === undefined ? null : Math.max(0, t.endedAt - t.startedAt),
      ok: t.ok ?? null,
    })),
    output: record.output,
  };
  return auditEntrySchema.parse(entry);
}

/** Links an entry to the chain: sets `prev` (and `seq`, its position) and computes `hash`. */
export function sealRecord(entry: AuditEntry, prev: string | null, seq?: number): ChainedAuditRecord {
  const body = { ...entry, prev, ...(seq === undefined ? {} : { seq }) };
  return { ...body, hash: recordHash(body) };
}
