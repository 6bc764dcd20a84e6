import type { Engine } from './engine.js';
import { STAGE } from './hooks.js';
import { acquireFileLock } from './lock.js';
import { LocalStateStore } from './local-state.js';
import type { Plugin } from './plugin.js';
import { tapBackupAndRecovery } from './recovery.js';

export const LOCAL_BACKEND = 'tfo:local-backend';

/**
 * The embedded default state plugin: local state at `.tfo/state/<key>` (through the root
 * module's `backend "local" {}`), backups, file locks and recovery. Steps aside when another
 * plugin provides `state`.
 */
export function localBackend(): Plugin {
  return {
    name: LOCAL_BACKEND,
    provides: ['state'],
    apply(engine: Engine) {
      const { stateDir, config } = engine.settings;
      const store = new LocalStateStore(stateDir, config.backups);
      engine.setStateStore(store);
      const stage = { name: LOCAL_BACKEND, stage: STAGE.DEFAULT };

      engine.hooks.lease.tapPromise(stage, (ctx) =>
        acquireFileLock({
          dir: store.lockRoot,
          key: ctx.deployment.key,
          runId: ctx.run.id,
          timeoutMs: config.lockTimeoutSeconds * 1000,
          signal: ctx.signal,
          onWait: (h) =>
            engine.events.emit('deployment:waiting', {
              key: ctx.deployment.key,
              reason: `locked by run ${h.runId} (pid ${h.pid} on ${h.host}) since ${h.since}`,
            }),
          onBreak: (h) =>
            engine.events.emit('notice', {
              level: 'warn',
              key: ctx.deployment.key,
              message: `broke a stale lock of run ${h.runId} (pid ${h.pid} is gone)`,
            }),
        }),
      );

      engine.hooks.backend.tap(stage, (settings, ctx) => ({
        ...settings,
        path: store.statePath(ctx.deployment.key),
      }));

      tapBackupAndRecovery(engine, stage, store);
    },
  };
}
