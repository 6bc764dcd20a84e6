import { parsePluginOptions, type Engine, type Plugin } from '@tfo/engine';
import type { AnchorStore } from './anchor.js';
import { applyAudit, AUDIT_PLUGIN_NAME } from './apply-audit.js';
import { anchorStoresIn, trailDir } from './anchor.js';
import type { AuditSink } from './file-sink.js';
import { auditOptionsSchema, type AuditOptions, type ResolvedAuditOptions } from './options.js';
import { SinkFailures } from './sink-failures.js';

export { AUDIT_PLUGIN_NAME } from './apply-audit.js';
export { auditOptionsSchema } from './options.js';
export type { AuditOptions, ResolvedAuditOptions } from './options.js';

export interface AuditPlugin extends Plugin {
  readonly options: ResolvedAuditOptions;
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
  const failures = new SinkFailures();
  return {
    name: AUDIT_PLUGIN_NAME,
    provides: ['audit'],
    options: opts,
    apply(engine: Engine) {
      applyAudit(engine, opts, failures);
    },
  };
}
