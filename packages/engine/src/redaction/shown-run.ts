import type { Engine } from '../run/engine.js';
import { EXIT } from '../errors.js';
import type { RunResult } from '../model.js';
import { redactText } from './redact.js';
import shownTexts, { type ShownTask } from './shown.worker.js';
import { POOL_FROM_CHARS } from './redact-pool.js';
import { workerPath } from '../run/worker-pool.js';

let worker: string | undefined;

/** Every string of a JSON-like value (object keys too), in order, with the key each is the value of. */
function strings(value: unknown, key: string | null, out: { texts: string[]; keys: Array<string | null> }): void {
  if (typeof value === 'string') {
    out.texts.push(value);
    out.keys.push(key);
  } else if (Array.isArray(value)) {
    value.forEach((v) => strings(v, null, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.texts.push(k);
      out.keys.push(null);
      strings(v, k, out);
    }
  }
}

/** `value` rebuilt with its strings taken, in order, from `shown`. */
function rebuild(value: unknown, shown: string[], next: { i: number }): unknown {
  if (typeof value === 'string') return shown[next.i++];
  if (Array.isArray(value)) return value.map((v) => rebuild(v, shown, next));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const name = shown[next.i++]!;
      out[name] = rebuild(v, shown, next);
    }
    return out;
  }
  return value;
}

/**
 * A copy of a JSON-like value with every string redacted (with `sensitive`, else the engine's
 * sensitive values), in one task of the worker pool. Each string is redacted as it is, before any
 * escaping: render the copy (JSON, HTML, Markdown, XML) and redact nothing again.
 */
export async function redactValue<T>(engine: Engine, value: T, sensitive?: Iterable<string>): Promise<T> {
  // what JSON keeps of the value, as a fresh copy
  const plain = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  const found = { texts: [] as string[], keys: [] as Array<string | null> };
  strings(plain, null, found);
  if (found.texts.length === 0) return plain as T;
  const task: ShownTask = { ...found, sensitive: [...(sensitive ?? engine.sensitive)] };
  // a small value is redacted on this thread, by the worker's own function (same rules, no thread)
  const chars = found.texts.reduce((n, t) => n + t.length, 0);
  worker ??= workerPath(import.meta.url, 'shown.worker');
  const shown =
    chars < POOL_FROM_CHARS ? await shownTexts(task) : await engine.runTask<ShownTask, string[]>(worker, task);
  return rebuild(plain, shown, { i: 0 }) as T;
}

/**
 * The redacted view of a run: the same result with every string redacted, in one pool task.
 * The engine builds it once per run, after the deployments and before the `report` hook, and
 * hands it to everyone: the report taps get it as the hook's second argument, result.json is it,
 * the `run:end` event carries it (the CLI prints it: summary, `--json`). Renderers (terminal,
 * HTML, JUnit, SARIF, GitHub) render from it and redact nothing of the run again; only text read
 * from elsewhere (a log file) is redacted where it is read. Each build emits `run:shown`.
 * Exported for tests that call the `report` hook themselves.
 */
export async function shownRun(engine: Engine, result: RunResult): Promise<RunResult> {
  const started = Date.now();
  const shown = await redactValue(engine, result);
  engine.events.emit('run:shown', { runId: result.run.id, ms: Date.now() - started });
  return shown;
}

/** The run's view as result.json holds it (and `--json` prints it): serialised in one place. */
export function shownJson(shown: RunResult): string {
  return JSON.stringify(shown, null, 2);
}

/**
 * Problems added to the run while its view is out (a report tap that failed, or that pushed
 * its own): appended to the view, redacted, so the taps after it and result.json show them.
 * Synchronous, for the tap wrapper (a sync tap cannot wait): problems are short texts.
 */
export function extendShown(engine: Engine, result: RunResult, shown: RunResult): void {
  const added = result.problems.slice(shown.problems.length);
  for (const p of added) {
    const message = redactText(p.message, { sensitive: engine.sensitive });
    shown.problems.push(p.plugin === undefined ? { message } : { plugin: p.plugin, message });
  }
  // a run problem fails a run that would have passed (as exitCodeOf decides at the end)
  if (added.length > 0 && shown.exitCode === EXIT.OK) shown.exitCode = EXIT.FAILED;
}
