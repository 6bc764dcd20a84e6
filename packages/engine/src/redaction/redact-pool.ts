import type { Engine } from '../run/engine.js';
import type { RedactTask } from './redact.worker.js';
import { workerPath } from '../run/worker-pool.js';

let worker: string | undefined;

/** The redaction worker's file. */
export function redactWorker(): string {
  worker ??= workerPath(import.meta.url, 'redact.worker');
  return worker;
}

/** A redaction task: the text's UTF-8 bytes in an ArrayBuffer of their own, to move, not copy. */
export function redactTask(
  text: string,
  sensitive: Iterable<string>,
  skip?: string[],
): { task: RedactTask; transfer: ArrayBuffer[] } {
  const buffer = new TextEncoder().encode(text).buffer as ArrayBuffer;
  return { task: { text: buffer, sensitive: [...sensitive], ...(skip ? { skip } : {}) }, transfer: [buffer] };
}

/** Redacts text in the engine's worker pool; the text's bytes are moved to the worker, not copied. */
export async function redactInPool(engine: Engine, text: string, sensitive: Iterable<string> = []): Promise<string> {
  const { task, transfer } = redactTask(text, sensitive);
  return engine.runTask<RedactTask, string>(redactWorker(), task, transfer);
}
