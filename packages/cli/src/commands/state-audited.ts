import {
  findDeployment,
  newRunId,
  redactText,
  stateActionRecord,
  type DeploymentStatus,
  type Engine,
  type RestoreResult,
} from '@tfo/engine';

/** What a restore orphans, for the audit record: the addresses, none, or unknown with why. */
export function orphansText(o: RestoreResult): string {
  if (o.orphaned === undefined) return `unknown (${o.orphansUnknown ?? 'no state to compare with'})`;
  return o.orphaned.join(', ') || 'none';
}

/**
 * Runs a state repair and records it in the audit trail, whether it worked or not. Resolves with
 * the exit code: 0, or 1 when a sink failed to store the record (the repair itself stands).
 */
export async function audited<T>(
  engine: Engine,
  key: string,
  action: 'restore' | 'unlock',
  fn: (runId: string) => Promise<T>,
  outcomeOf: (out: T) => { outcome: DeploymentStatus; output: string },
): Promise<{ out: T; code: number }> {
  const runId = newRunId();
  const startedAt = Date.now();
  // a tfvars file elsewhere that does not parse must not stop a repair: the key still names the deployment
  const deployment = await findDeployment(engine, key).catch(() => undefined);
  const record = async (outcome: DeploymentStatus, output: string): Promise<number> => {
    // through every sink of the plugin that provides the audit trail; without one, nothing to record to
    const written = (await engine
      .capability('audit')
      ?.record(stateActionRecord({ key, deployment, action, outcome, runId, startedAt, output }))) ?? {
      recorded: false,
      problems: [],
      warnings: [],
    };
    for (const w of written.warnings) process.stderr.write(`warning: ${redactText(w)}\n`);
    for (const p of written.problems) process.stderr.write(`error TFO_ERR_AUDIT: ${redactText(p)}\n`);
    return written.problems.length > 0 ? 1 : 0;
  };
  let out: T;
  try {
    out = await fn(runId);
  } catch (err) {
    await record('failed', `${action} ${key} failed: ${(err as Error).message}`);
    throw err;
  }
  const { outcome, output } = outcomeOf(out);
  return { out, code: await record(outcome, output) };
}
