import type { Engine } from './engine.js';
import type { RunResult } from './model.js';
import type { ShownTask } from './shown.worker.js';
import { workerPath } from './worker-pool.js';

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
export function redactValue<T>(engine: Engine, value: T, sensitive?: Iterable<string>): Promise<T> {
  return redactJson(engine, JSON.stringify(value ?? null), sensitive);
}

/** `redactValue` of a value already serialised (JSON-like: what JSON keeps of it). */
async function redactJson<T>(engine: Engine, json: string, sensitive?: Iterable<string>): Promise<T> {
  const plain = JSON.parse(json) as unknown;
  const found = { texts: [] as string[], keys: [] as Array<string | null> };
  strings(plain, null, found);
  if (found.texts.length === 0) return plain as T;
  const task: ShownTask = { ...found, sensitive: [...(sensitive ?? engine.sensitive)] };
  worker ??= workerPath(import.meta.url, 'shown.worker');
  const shown = await engine.runTask<ShownTask, string[]>(worker, task);
  return rebuild(plain, shown, { i: 0 }) as T;
}

const views = new WeakMap<RunResult, { json: string; sensitive: number; view: Promise<RunResult> }>();

/**
 * The redacted view of a run: every renderer (result.json, `--json`, the terminal summary, HTML,
 * JUnit, SARIF, GitHub) renders from it and redacts nothing itself. Built once per content of the
 * result: asked again for an unchanged result (and no new sensitive value), the same view.
 */
export function shownRun(engine: Engine, result: RunResult): Promise<RunResult> {
  const json = JSON.stringify(result);
  const sensitive = engine.sensitive.size;
  const cached = views.get(result);
  if (cached && cached.json === json && cached.sensitive === sensitive) return cached.view;
  const view = redactJson<RunResult>(engine, json);
  views.set(result, { json, sensitive, view });
  view.catch(() => views.delete(result));
  return view;
}
