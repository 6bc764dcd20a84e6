import { PluginError, TfoError } from '../errors.js';
import type { DeploymentContext, Failure, RecoveryResult, Stage } from '../model.js';

/** A throw inside a stage, with the stage it was thrown in. */
export class StageFailure extends Error {
  constructor(
    readonly stage: Stage,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export function asFailure(err: unknown, fallback: Stage = 'plan'): Failure {
  if (err instanceof StageFailure) {
    const inner = err.cause instanceof Error ? err.cause : new Error(String(err.cause));
    return { stage: err.stage, error: inner };
  }
  return { stage: fallback, error: err instanceof Error ? err : new Error(String(err)) };
}

export function record(ctx: DeploymentContext, failure: Failure): void {
  const e = failure.error;
  ctx.error = {
    stage: failure.stage,
    message: e.message,
    // a plugin's own coded error (a timeout, a held lock) says more than "a plugin failed"
    code:
      e instanceof PluginError && e.cause instanceof TfoError
        ? e.cause.code
        : e instanceof TfoError
          ? e.code
          : undefined,
    plugin: e instanceof PluginError ? e.plugin : undefined,
  };
  ctx.log(`\n# ${failure.stage} failed: ${e.message}\n`);
}

/** A recover tap that threw (or missed its deadline): nothing was recovered, a human must look. */
export function recoveryFailed(ctx: DeploymentContext, err: unknown, startedAt: number): RecoveryResult {
  const e = err instanceof StageFailure ? err.cause : err;
  const inner = e instanceof PluginError ? e.cause : e;
  const message = inner instanceof Error ? inner.message : String(inner);
  const detail =
    e instanceof PluginError
      ? `recovery failed: plugin "${e.plugin}" in recover: ${message}`
      : `recovery failed: ${message}`;
  ctx.log(`\n# ${detail}\n`);
  return {
    action: 'manual',
    ok: false,
    detail,
    durationMs: Date.now() - startedAt,
    by: e instanceof PluginError ? e.plugin : 'tfo',
  };
}
