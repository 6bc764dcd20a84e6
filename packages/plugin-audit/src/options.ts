import { z } from 'zod';
import { fileSink, type AuditSink } from './file-sink.js';

const isSink = (value: unknown): value is AuditSink =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as AuditSink).name === 'string' &&
  (value as AuditSink).name.length > 0 &&
  typeof (value as AuditSink).write === 'function';

export const auditOptionsSchema = z
  .object({
    /** Where records go, all at once. Default: the file sink under `<stateDir>/audit`. */
    sinks: z
      .array(z.custom<AuditSink>(isSink, { message: 'expected a sink { name, write(record) }' }))
      .min(1)
      .default(() => [fileSink()])
      .refine((sinks) => new Set(sinks.map((s) => s.name)).size === sinks.length, {
        message: 'two sinks share one name',
      }),
    /** `fail`: a sink that failed is a run problem (exit 1). `warn`: a warning notice only. */
    onSinkFailure: z.enum(['fail', 'warn']).default('fail'),
    /**
     * Before a plan or apply run starts any deployment, every sink must be able to store its
     * records (a probe, the file chain's tail against HEAD and the anchors); if one cannot, the
     * run starts nothing and fails with TFO_ERR_AUDIT. `false`: sink failures are found when the
     * records are written, after the deployments, and reported then.
     */
    failClosed: z.boolean().default(true),
    /** How long that check waits for a sink to answer before it counts as unable to store. */
    probeTimeoutSeconds: z.number().positive().max(3600).default(30),
  })
  .strict();

export type AuditOptions = z.input<typeof auditOptionsSchema>;
export type ResolvedAuditOptions = z.output<typeof auditOptionsSchema>;
