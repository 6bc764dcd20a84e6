import { parsePluginOptions, STAGE, type AuditRecord, type Engine, type Plugin } from '@tfo/engine';
import { z } from 'zod';
import { isAnchorStore, type AnchorStore } from './anchor.js';
import { ChainAnchoring } from './chain-anchoring.js';
import { anchorStoresIn, auditCommand, trailDir } from './commands.js';
import { FileSink, fileSink, type AuditSink, type ChainHead } from './file-sink.js';
import { toAuditRecord, type AuditEntry } from './record.js';
import { checkBeforeRun } from './run-gate.js';

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

export interface AuditPlugin extends Plugin {
  readonly options: ResolvedAuditOptions;
  /**
   * Sink failures gathered since the last call, as messages, and forgets them: by `onSinkFailure`,
   * `problems` (fail the command) or `warnings`.
   */
  takeFailures(): { problems: string[]; warnings: string[] };
}

interface SinkFailures {
  /** Records (by id) the sink could not store, or whose position it could not anchor. */
  records: Set<string>;
  causes: string[];
}

/** The configured audit plugin, if any. */
export function auditPluginOf(engine: Engine): AuditPlugin | undefined {
  return engine.plugins.find((p) => p.name === AUDIT_PLUGIN_NAME) as AuditPlugin | undefined;
}

/**
 * The sinks that hold the anchor of the configured file sink's chain (none without a file sink):
 * what `tfo audit verify` checks the trail against.
 */
export function anchorStoresOf(engine: Engine): Array<AuditSink & AnchorStore> {
  return anchorStoresIn(auditPluginOf(engine)?.options?.sinks ?? []);
}

/** The audit folder the CLI reads: the configured file sink's, else `<stateDir>/audit`. */
export function auditDir(engine: Engine): string {
  return trailDir(auditPluginOf(engine)?.options?.sinks ?? [], engine.settings.stateDir);
}

/**
 * The audit trail: every deployment's record, in the versioned schema, to every sink at once.
 * With `failClosed`, a run whose records could not be stored starts nothing. A sink that fails
 * during the run never stops it, and is never silent: it is a run problem (or a warning).
 */
export function audit(options: AuditOptions = {}): AuditPlugin {
  const opts = parsePluginOptions('audit', auditOptionsSchema, options);
  const failures = new Map<string, SinkFailures>();
  const takeFailures = (): { problems: string[]; warnings: string[] } => {
    const messages = [...failures].map(([name, row]) => {
      const more = row.causes.length > 1 ? ` (and ${row.causes.length - 1} other cause(s))` : '';
      return `audit sink ${name} failed for ${row.records.size} record(s): ${row.causes[0] ?? 'unknown'}${more}`;
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
      // an action taken outside a run (`tfo state restore`) goes to every sink, the way a run's does
      engine.provide('audit', {
        record: async (record) => {
          await engine.hooks.audit.promise(record);
          return { recorded: true, ...takeFailures() };
        },
      });
      engine.contribute(auditCommand(opts.sinks));
      /** One entry per engine record, shared by all sinks (same id, same bytes). */
      const entries = new WeakMap<AuditRecord, AuditEntry>();

      const entryFor = (record: AuditRecord): AuditEntry => {
        let entry = entries.get(record);
        if (!entry) {
          entry = toAuditRecord(record);
          entries.set(record, entry);
        }
        return entry;
      };

      // the file chain's position goes to the anchors only once the record is in the file
      const chainFile = opts.sinks.find((s): s is FileSink => s instanceof FileSink);
      const stores = chainFile ? opts.sinks.filter((s): s is AuditSink & AnchorStore => isAnchorStore(s)) : [];
      const anchoring = chainFile && stores.length > 0 ? new ChainAnchoring(chainFile, stores) : undefined;

      const fail = (sink: string, entry: AuditEntry, err: unknown): void => {
        const row = failures.get(sink) ?? { records: new Set<string>(), causes: [] };
        const cause = err instanceof Error ? err.message : String(err);
        if (!row.causes.includes(cause)) row.causes.push(cause);
        failures.set(sink, row);
        if (row.records.has(entry.id)) return; // its record and its anchor both failed: one record
        row.records.add(entry.id);
        notice(
          'warn',
          `audit sink ${sink} did not store ${entry.action} record ${entry.id} of ${entry.deployment.key}`,
        );
      };

      engine.hooks.prepare.tapPromise(stage, async (run) => {
        if (!opts.failClosed) return;
        const timeoutMs = opts.probeTimeoutSeconds * 1000;
        await checkBeforeRun(run, opts.sinks, anchoring, (message) => notice('info', message), timeoutMs);
      });

      // one tap for all sinks: they write at once, and each anchor waits for the file chain
      engine.hooks.audit.tapPromise(stage, async (record) => {
        const entry = entryFor(record);
        const head: Promise<ChainHead | undefined> | undefined = chainFile?.appendAt(entry).then(
          (stored) => stored.head,
          (err: unknown) => {
            fail(chainFile.name, entry, err);
            return undefined;
          },
        );
        await Promise.all(
          opts.sinks.map(async (sink) => {
            if (sink === chainFile) return head;
            try {
              await sink.write(entry);
            } catch (err) {
              fail(sink.name, entry, err);
            }
            const position = anchoring && isAnchorStore(sink) ? await head : undefined;
            if (anchoring && position && isAnchorStore(sink)) {
              await anchoring.advance(sink, position).catch((err: unknown) => fail(sink.name, entry, err));
            }
          }),
        );
      });

      // before the report plugins, so the problems are in the result they render
      engine.hooks.report.tap({ name: AUDIT_PLUGIN_NAME, stage: STAGE.FILTER }, (result) => {
        const { problems, warnings } = takeFailures();
        for (const message of problems) result.problems.push({ plugin: AUDIT_PLUGIN_NAME, message });
        for (const message of warnings) notice('warn', message);
      });
    },
  };
}
