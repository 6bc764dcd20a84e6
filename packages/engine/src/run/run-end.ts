import path from 'node:path';
import type { Engine } from './engine.js';
import { EXIT, exitCodeFor } from '../errors.js';
import { FAILED_STATUSES } from './events.js';
import type { Journal } from './journal.js';
import type { RunInfo, RunResult } from '../model.js';
import { extendShown, shownJson, shownRun } from '../redaction/shown-run.js';
import { writeFileAtomic } from './write-atomic.js';

/** How a run ends: its exit code, its redacted view and result.json, the report hook. */

/**
 * The end of a run: its one redacted view, built here once (string by string, before JSON escapes
 * anything): the report taps render from it, result.json is it, `run:end` hands it to the CLI.
 * What the report taps add (problems) the tap wrapper appends to it, redacted.
 */
export async function reportRun(engine: Engine, result: RunResult, journal: Journal): Promise<void> {
  result.exitCode = exitCodeOf(result);
  const shown = await shownRun(engine, result);
  try {
    await engine.hooks.report.promise(result, shown);
  } catch (err) {
    result.problems.push({ plugin: (err as { plugin?: string }).plugin, message: (err as Error).message });
    extendShown(engine, result, shown);
  }
  result.exitCode = exitCodeOf(result);
  shown.exitCode = result.exitCode;
  // what people may open later is redacted; the full result is the CLI's --unredacted file, and
  // the full output goes to the audit sinks
  await writeFileAtomic(path.join(result.run.dir, 'result.json'), shownJson(shown), 0o600);
  journal.write({ t: 'run-end', exitCode: result.exitCode, cancelled: result.cancelled });
  engine.events.emit('run:end', { result, shown });
}

/**
 * The result of a run that stopped before any deployment started: no deployments, the error as
 * its one problem, exit code as the CLI will give it. Written redacted, like every result.json.
 */
export async function writeStoppedResult(engine: Engine, run: RunInfo, err: unknown): Promise<void> {
  const now = new Date().toISOString();
  const result: RunResult = {
    run,
    deployments: [],
    deleted: run.deleted,
    cancelled: false,
    startedAt: run.startedAt,
    endedAt: now,
    durationMs: Date.now() - Date.parse(run.startedAt),
    problems: [{ plugin: (err as { plugin?: string }).plugin, message: (err as Error).message ?? String(err) }],
    exitCode: exitCodeFor(err),
  };
  try {
    const shown = shownJson(await shownRun(engine, result));
    await writeFileAtomic(path.join(run.dir, 'result.json'), shown, 0o600);
  } catch {
    // the error that stopped the run is what the user must see; an unwritable run folder is
    // reported by the next run that needs it
  }
}

/** 130 cancelled; 1 any failed (a recovered apply still failed, a failed reconcile); 2 any blocked by policy; else 0. */
export function exitCodeOf(
  result: Pick<RunResult, 'deployments' | 'cancelled' | 'problems'> & Pick<Partial<RunResult>, 'reconciled'>,
): number {
  if (result.cancelled) return EXIT.CANCELLED;
  if (result.deployments.some((d) => FAILED_STATUSES.has(d.status))) return EXIT.FAILED;
  if (result.reconciled?.some((r) => !r.ok)) return EXIT.FAILED;
  if (result.deployments.some((d) => d.status === 'blocked')) return EXIT.BLOCKED;
  if (result.problems.length > 0) return EXIT.FAILED;
  return EXIT.OK;
}
