import type { Engine } from '../run/engine.js';
import { redactText } from './redact.js';
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

/**
 * Below this many characters, text is redacted on this thread: starting a worker and moving the
 * text to it costs more than redacting a few lines (a command's output, a log window's head).
 */
export const POOL_FROM_CHARS = 64 * 1024;

/**
 * Redacts text in the engine's worker pool (the text's bytes are moved to the worker, not
 * copied); text shorter than POOL_FROM_CHARS is redacted here, with the same rules.
 */
export async function redactInPool(engine: Engine, text: string, sensitive: Iterable<string> = []): Promise<string> {
  if (text.length < POOL_FROM_CHARS) return redactText(text, { sensitive });
  const { task, transfer } = redactTask(text, sensitive);
  return engine.runTask<RedactTask, string>(redactWorker(), task, transfer);
}
