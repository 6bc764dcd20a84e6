import path from 'node:path';
import { parsePluginOptions, STAGE, type AuditRecord, type Engine, type Plugin } from '@tfo/engine';
import { z } from 'zod';
import { FileSink, fileSink, type AuditSink } from './file-sink.js';
import { planDigest, toAuditRecord, type AuditEntry, type AuditExtra } from './record.js';

export const AUDIT_PLUGIN_NAME = 'audit';

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
  })
  .strict();

export type AuditOptions = z.input<typeof auditOptionsSchema>;
export type ResolvedAuditOptions = z.output<typeof auditOptionsSchema>;

export interface AuditPlugin extends Plugin {
  readonly options: ResolvedAuditOptions;
  /**
   * Sink failures gathered since the last call, as messages, and forgets them: by `onSinkFailure`,
   * `problems` (fail the command) or `warnings`.
   */
  takeFailures(): { problems: string[]; warnings: string[] };
}

interface SinkFailures {
  count: number;
  causes: string[];
}

const keyOf = (runId: string, key: string): string => `${runId}\u0000${key}`;

/** The configured audit plugin, if any. */
export function auditPluginOf(engine: Engine): AuditPlugin | undefined {
  return engine.plugins.find((p) => p.name === AUDIT_PLUGIN_NAME) as AuditPlugin | undefined;
}

/**
 * Records an action taken outside a run (a state restore, an unlock) in every sink, the way a run
 * does. Resolves with the sink failures: `problems` should fail the command, `warnings` be shown.
 * Without an audit plugin there is nothing to record to.
 */
export async function auditAction(
  engine: Engine,
  record: AuditRecord,
): Promise<{ recorded: boolean; problems: string[]; warnings: string[] }> {
  const plugin = auditPluginOf(engine);
  if (!plugin) return { recorded: false, problems: [], warnings: [] };
  await engine.hooks.audit.promise(record);
  return { recorded: true, ...plugin.takeFailures() };
}

/** The audit folder the CLI reads: the configured file sink's, else `<stateDir>/audit`. */
export function auditDir(engine: Engine): string {
  const sink = auditPluginOf(engine)?.options?.sinks.find((s): s is FileSink => s instanceof FileSink);
  return sink?.dir ?? path.join(engine.settings.stateDir, 'audit');
}

/**
 * The audit trail: every deployment's record, in the versioned schema, to every sink at once.
 * A sink that fails never stops the run, and is never silent: it is a run problem (or a warning).
 */
export function audit(options: AuditOptions = {}): AuditPlugin {
  const opts = parsePluginOptions('audit', auditOptionsSchema, options);
  const failures = new Map<string, SinkFailures>();
  const takeFailures = (): { problems: string[]; warnings: string[] } => {
    const messages = [...failures].map(([name, row]) => {
      const more = row.causes.length > 1 ? ` (and ${row.causes.length - 1} other cause(s))` : '';
      return `audit sink ${name} failed for ${row.count} record(s): ${row.causes[0] ?? 'unknown'}${more}`;
    });
    failures.clear();
    return opts.onSinkFailure === 'fail' ? { problems: messages, warnings: [] } : { problems: [], warnings: messages };
  };
  return {
    name: AUDIT_PLUGIN_NAME,
    provides: ['audit'],
    options: opts,
    takeFailures,
    apply(engine: Engine) {
      const { stateDir, cwd } = engine.settings;
      const notice = (level: 'info' | 'warn', message: string): void => {
        engine.events.emit('notice', { level, message });
      };
      for (const sink of opts.sinks) {
        sink.open?.({ stateDir, cwd, notice });
        if (sink.close) engine.onClose(() => sink.close?.());
      }
      const stage = { name: AUDIT_PLUGIN_NAME, stage: STAGE.NORMAL };
      /**
       * What the engine's record lacks, taken from the context in `settled` (called just before
       * `audit`); kept for every record of the deployment, cleared when the run reports.
       */
      const extras = new Map<string, AuditExtra>();
      /** One entry per engine record, shared by all sinks (same id, same bytes). */
      const entries = new WeakMap<AuditRecord, AuditEntry>();

      const entryFor = (record: AuditRecord): AuditEntry => {
        let entry = entries.get(record);
        if (!entry) {
          entry = toAuditRecord(record, extras.get(keyOf(record.runId, record.deployment.key)));
          entries.set(record, entry);
        }
        return entry;
      };

      engine.hooks.settled.tap(stage, (ctx) => {
        extras.set(keyOf(ctx.run.id, ctx.deployment.key), {
          planSha256: ctx.plan ? planDigest(ctx.plan.json) : undefined,
          error: ctx.error,
        });
      });

      for (const sink of opts.sinks) {
        engine.hooks.audit.tapPromise(stage, async (record) => {
          try {
            await sink.write(entryFor(record));
          } catch (err) {
            const row = failures.get(sink.name) ?? { count: 0, causes: [] };
            row.count += 1;
            const cause = err instanceof Error ? err.message : String(err);
            if (!row.causes.includes(cause)) row.causes.push(cause);
            failures.set(sink.name, row);
          }
        });
      }

      // before the report plugins, so the problems are in the result they render
      engine.hooks.report.tap({ name: AUDIT_PLUGIN_NAME, stage: STAGE.FILTER }, (result) => {
        const { problems, warnings } = takeFailures();
        for (const message of problems) result.problems.push({ plugin: AUDIT_PLUGIN_NAME, message });
        for (const message of warnings) notice('warn', message);
        extras.clear();
      });
    },
  };
}
