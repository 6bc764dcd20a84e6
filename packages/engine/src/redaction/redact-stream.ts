import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import { safeCut, PIECE_CHARS } from './redact-cut.js';
import { redactTask, redactWorker } from './redact-pool.js';
import { redactText } from './redact.js';
import type { RedactTask } from './redact.worker.js';

/**
 * Redaction of a stream of any length in bounded memory. Text is redacted by `redactText` in
 * pieces of about `PIECE_CHARS`, cut only where no secret can span the cut (`safeCut`); pieces may
 * be redacted in parallel on the worker pool, and come out in order.
 */

/** A piece handed to `redactText`: about this many characters. */
export { PEM_HOLD_CHARS, PIECE_CHARS, safeCut } from './redact-cut.js';

/** Runs a task in a worker pool (`Engine.runTask`, `WorkerPool.run`). */
export type TaskRunner = (workerFile: string, payload: RedactTask, transferList: ArrayBuffer[]) => Promise<string>;

export interface RedactStreamOptions {
  /** Values to replace (as `redactText`); a function is asked each time a piece is redacted. */
  sensitive?: Iterable<string> | (() => Iterable<string>);
  /** Rule names to skip (as `redactText`). */
  skip?: string[];
  /** Redact pieces in this pool; without it, inline. A failed task is redone inline. */
  runTask?: TaskRunner;
  /** Pieces redacted at once in the pool (default 4); input waits when this many are in flight. */
  inFlight?: number;
  /** Pieces shorter than this are redacted inline even with `runTask` (a task costs more). */
  inlineBelow?: number;
  pieceChars?: number;
}

interface Entry {
  piece: string;
  out?: string;
}

/**
 * The core of the stream: text goes in by `push`, redacted text comes out to `emit` in order.
 * Holds at most about `pieceChars` of pending text plus the pieces in flight.
 */
export class PieceRedactor {
  readonly #options: RedactStreamOptions;
  readonly #emit: (text: string) => void;
  readonly #piece: number;
  readonly #max: number;
  #pending = '';
  #queue: Entry[] = [];
  #waiters: Array<() => void> = [];
  #error: unknown;

  constructor(options: RedactStreamOptions, emit: (text: string) => void) {
    this.#options = options;
    this.#emit = emit;
    this.#piece = options.pieceChars ?? PIECE_CHARS;
    this.#max = options.runTask ? Math.max(1, options.inFlight ?? 4) : 1;
  }

  /** Characters held: pending text and pieces not yet emitted. */
  get held(): number {
    let n = this.#pending.length;
    for (const e of this.#queue) n += e.piece.length;
    return n;
  }

  /** Takes text; redacts every whole piece it completes. */
  push(text: string): void {
    this.#pending += text;
    while (this.#pending.length >= this.#piece) {
      const cut = safeCut(this.#pending, this.#piece);
      if (cut === 0) break; // a PEM block held (bounded by PEM_HOLD_CHARS)
      this.#dispatch(cut);
    }
  }

  /** Redacts what is pending up to its last safe cut, however short (for output people watch live). */
  flushLines(): void {
    const cut = safeCut(this.#pending, this.#piece);
    if (cut > 0) this.#dispatch(cut);
  }

  /** Resolves once fewer than the allowed pieces are in flight. */
  async ready(): Promise<void> {
    while (this.#queue.length >= this.#max) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#error) throw this.#error;
  }

  /** Redacts all that is held and resolves once all of it is emitted. */
  async end(): Promise<void> {
    if (this.#pending) this.#dispatch(this.#pending.length);
    while (this.#queue.length > 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#error) throw this.#error;
  }

  #dispatch(cut: number): void {
    const piece = this.#pending.slice(0, cut);
    this.#pending = this.#pending.slice(cut);
    const value = this.#options.sensitive;
    const sensitive = [...((typeof value === 'function' ? value() : value) ?? [])];
    const skip = this.#options.skip;
    const entry: Entry = { piece };
    this.#queue.push(entry);
    const inline = (): string => redactText(piece, { sensitive, ...(skip ? { skip } : {}) });
    const run = this.#options.runTask;
    if (!run || piece.length < (this.#options.inlineBelow ?? 0)) {
      entry.out = inline();
      this.#pump();
      return;
    }
    const { task, transfer } = redactTask(piece, sensitive, skip);
    Promise.resolve()
      .then(() => run(redactWorker(), task, transfer))
      .catch(() => inline()) // the pool failed (not the redaction, which is pure): redo it here
      .then(
        (out) => {
          entry.out = out;
          this.#pump();
        },
        (err: unknown) => {
          this.#error ??= err;
          entry.out = '';
          this.#pump();
        },
      );
  }

  #pump(): void {
    while (this.#queue[0]?.out !== undefined) {
      const { out } = this.#queue.shift()!;
      if (out) {
        try {
          this.#emit(out);
        } catch (err) {
          this.#error ??= err;
        }
      }
    }
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

/** How long input may pause before the complete lines pending are redacted and passed on. */
const LINE_WAIT_MS = 50;

/**
 * A Transform from bytes (UTF-8, decoded across chunk edges) or strings to redacted UTF-8 text.
 * When input pauses for LINE_WAIT_MS, the complete lines pending are redacted and passed on, so a
 * live log is not held back (under a steady flow, at most a piece waits). Flushing lines on a
 * timer during a steady flow as well measured a larger peak RSS (214 MB against 145 MB on 300 MB
 * through `tfo redact`) and a lower speed, so it is not done.
 */
export function redactTransform(options: RedactStreamOptions = {}): Transform & { readonly held: number } {
  const decoder = new StringDecoder('utf8');
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const stream = new Transform({
    decodeStrings: false,
    transform(chunk: Buffer | string, _encoding, callback) {
      if (timer) clearTimeout(timer);
      redactor.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      redactor.ready().then(() => {
        if (!ended) timer = setTimeout(() => redactor.flushLines(), LINE_WAIT_MS).unref();
        callback();
      }, callback);
    },
    flush(callback) {
      ended = true;
      if (timer) clearTimeout(timer);
      redactor.push(decoder.end());
      redactor.end().then(() => callback(), callback);
    },
  });
  const redactor = new PieceRedactor(options, (text) => stream.push(text, 'utf8'));
  Object.defineProperty(stream, 'held', { get: () => redactor.held });
  return stream as Transform & { readonly held: number };
}

/** The same as an async generator: chunks in, redacted text out, in order. */
export async function* redactChunks(
  source: AsyncIterable<Buffer | string>,
  options: RedactStreamOptions = {},
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  const out: string[] = [];
  const redactor = new PieceRedactor(options, (text) => out.push(text));
  for await (const chunk of source) {
    redactor.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    await redactor.ready();
    yield* out.splice(0);
  }
  redactor.push(decoder.end());
  await redactor.end();
  yield* out.splice(0);
}
