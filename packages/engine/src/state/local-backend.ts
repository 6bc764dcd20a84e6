import type { Engine } from '../run/engine.js';
import { STAGE } from '../run/hooks.js';
import { acquireFileLock, describeLock } from './lock.js';
import { LocalStateStore } from './local-state.js';
import { reportBrokenLock } from '../run/audit-records.js';
import type { Plugin } from '../run/plugin.js';
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
      engine.provide('state', store);
      const stage = { name: LOCAL_BACKEND, stage: STAGE.DEFAULT };

      engine.hooks.lock.tapPromise(stage, (ctx) => {
        const key = ctx.deployment.key;
        const startedAt = Date.now();
        return acquireFileLock({
          dir: store.lockRoot,
          key,
          runId: ctx.run.id,
          timeoutMs: config.lockTimeoutSeconds * 1000,
          ttlMs: config.lockTtlSeconds * 1000,
          signal: ctx.signal,
          onWait: (_h, status) =>
            engine.events.emit('deployment:waiting', { key, reason: `locked by ${describeLock(status)}` }),
          onLost: () =>
            engine.events.emit('notice', {
              level: 'error',
              key,
              message: `this run lost its lock on ${key} (silent past its TTL and broken, or removed with \`tfo state unlock --force\`)`,
            }),
          onBreak: (_h, status) =>
            reportBrokenLock(engine, ctx, `broke the stale lock of ${describeLock(status)}: ${status.why}`, startedAt),
        });
      });

      engine.hooks.init.tap(stage, (settings, ctx) => ({
        ...settings,
        path: store.statePath(ctx.deployment.key),
      }));

      tapBackupAndRecovery(engine, stage, store);
    },
  };
}
