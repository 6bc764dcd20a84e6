import { EventEmitter } from 'node:events';
import type { DeploymentResult, DeploymentStatus, RunInfo, RunResult, Stage } from '../model.js';

/**
 * Typed events the engine emits. The engine never prints: the CLI renders these
 * (TTY progress, plain CI lines, or JSON lines).
 */
export interface EngineEvents {
  'run:start': { run: RunInfo; total: number; workers: number };
  /** `shown`: the run's redacted view (what result.json holds): print this, never `result`. */
  'run:end': { result: RunResult; shown: RunResult };
  /** The run's redacted view was built (once a run): how long it took. */
  'run:shown': { runId: string; ms: number };
  /** A hook was called (from hook.intercept). `key` is set for per-deployment hooks. */
  'hook:call': { hook: string; key?: string | undefined; at: number };
  /** One tap finished (from the tap wrapper installed by hook.intercept). */
  'tap:done': { hook: string; plugin: string; key?: string | undefined; ms: number; ok: boolean };
  'deployment:queued': { key: string; file: string };
  'deployment:stage': { key: string; file: string; stage: Stage; lane: number; at: number };
  'deployment:done': { result: DeploymentResult };
  'deployment:waiting': { key: string; reason: string };
  /** Something worth a line that is not a failure (a lock broken, a deletion found). */
  notice: { level: 'info' | 'warn' | 'error'; message: string; key?: string | undefined };
}

export type EngineEventName = keyof EngineEvents;

export class EngineEmitter {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(100);
  }

  on<E extends EngineEventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void {
    this.#emitter.on(event, listener);
    return () => this.#emitter.off(event, listener);
  }

  emit<E extends EngineEventName>(event: E, payload: EngineEvents[E]): void {
    this.#emitter.emit(event, payload);
  }
}

/** Statuses that end a deployment in failure for the exit code. */
export const FAILED_STATUSES: ReadonlySet<DeploymentStatus> = new Set<DeploymentStatus>([
  'failed',
  'recovered',
  'cancelled',
]);
