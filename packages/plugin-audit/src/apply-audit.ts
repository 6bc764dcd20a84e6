import { STAGE, type Engine } from '@tfo/engine';
import { auditCommand } from './commands.js';
import type { ResolvedAuditOptions } from './options.js';
import { checkBeforeRun } from './run-gate.js';
import type { SinkFailures } from './sink-failures.js';
import { SinkWriter } from './sink-writer.js';

/** The name the audit plugin is registered under, and taps the hooks with. */
export const AUDIT_PLUGIN_NAME = 'audit';

/**
 * What the audit plugin does to an engine: opens the sinks, provides the `audit` capability and
 * the `tfo audit` command, checks the sinks before a run (with `failClosed`), writes every record
 * to every sink, and puts the sink failures into the run's result.
 */
export function applyAudit(engine: Engine, opts: ResolvedAuditOptions, failures: SinkFailures): void {
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
      return { recorded: true, ...failures.take(opts.onSinkFailure) };
    },
  });
  engine.contribute(auditCommand(opts.sinks));

  const writer = new SinkWriter(opts.sinks, (sink, entry, err) => {
    if (!failures.add(sink, entry, err)) return;
    notice('warn', `audit sink ${sink} did not store ${entry.action} record ${entry.id} of ${entry.deployment.key}`);
  });

  engine.hooks.prepare.tapPromise(stage, async (run) => {
    if (!opts.failClosed) return;
    const timeoutMs = opts.probeTimeoutSeconds * 1000;
    await checkBeforeRun(run, opts.sinks, writer.anchoring, (message) => notice('info', message), timeoutMs);
  });

  // one tap for all sinks: they write at once, and each anchor waits for the file chain
  engine.hooks.audit.tapPromise(stage, (record) => writer.write(record));

  // before the report plugins, so the problems are in the result they render
  engine.hooks.report.tap({ name: AUDIT_PLUGIN_NAME, stage: STAGE.FILTER }, (result) => {
    const { problems, warnings } = failures.take(opts.onSinkFailure);
    for (const message of problems) result.problems.push({ plugin: AUDIT_PLUGIN_NAME, message });
    for (const message of warnings) notice('warn', message);
  });
}
