import type { Engine } from './engine.js';
import type { RedactTask } from './redact.worker.js';
import { workerPath } from './worker-pool.js';

let worker: string | undefined;

/** Redacts text in the engine's worker pool; the text's bytes are moved to the worker, not copied. */
export async function redactInPool(engine: Engine, text: string, sensitive: Iterable<string> = []): Promise<string> {
  const bytes = Buffer.from(text, 'utf8');
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const task: RedactTask = { text: buffer, sensitive: [...sensitive] };
  worker ??= workerPath(import.meta.url, 'redact.worker');
  return engine.runTask<RedactTask, string>(worker, task, [buffer]);
}
