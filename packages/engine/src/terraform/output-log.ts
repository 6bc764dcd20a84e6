import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { PieceRedactor, type TaskRunner } from '../redaction/redact-stream.js';
import { POOL_FROM_CHARS } from '../redaction/redact-pool.js';

/**
 * One deployment's full output: every byte goes, redacted, to its file under `.tfo/runs/<id>/`
 * (mode 0600); memory keeps only the first and last parts up to `limitBytes`, so a huge plan
 * cannot exhaust the process. Text is redacted as it is written, with the sensitive values known
 * then (`redactWith`), complete lines at once; big pieces on the worker pool when there is one.
 * The raw output stays in terraform's own `*.out` files.
 */
export class OutputLog {
  readonly file: string;
  readonly #stream: WriteStream;
  readonly #limit: number;
  readonly #redactor: PieceRedactor;
  #sensitive: () => Iterable<string> = () => [];
  #runTask: TaskRunner | undefined;
  #head = '';
  #tail = '';
  #dropped = 0;
  #failure: string | undefined;

  constructor(file: string, limitBytes: number) {
    this.file = file;
    this.#limit = limitBytes;
    this.#stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
    // a full disk (or a removed folder) must not end the process while terraform runs: the file
    // stops, the kept head and tail go on, and the failure is reported (`failure`)
    this.#stream.on('error', (err) => {
      this.#failure ??= err.message;
    });
    this.#redactor = new PieceRedactor(
      {
        sensitive: () => this.#sensitive(),
        runTask: (file, task, transfer) =>
          this.#runTask ? this.#runTask(file, task, transfer) : Promise.reject(new Error('no pool')),
        inlineBelow: POOL_FROM_CHARS,
        inFlight: Number.MAX_SAFE_INTEGER, // writes cannot wait; terraform writes far slower than the pool redacts
      },
      (text) => {
        if (this.#failure === undefined) this.#stream.write(text);
      },
    );
  }

  /** Why the file could not be written (the disk filled, ...), if it could not. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** From now on, redacts with these values and, for big pieces, in this pool. */
  redactWith(sensitive: () => Iterable<string>, runTask?: TaskRunner): void {
    this.#sensitive = sensitive;
    this.#runTask = runTask;
  }

  write(text: string): void {
    this.#redactor.push(text);
    this.#redactor.flushLines();
    const half = Math.floor(this.#limit / 2);
    if (this.#head.length < half) {
      const take = text.slice(0, half - this.#head.length);
      this.#head += take;
      text = text.slice(take.length);
    }
    if (!text) return;
    this.#tail += text;
    if (this.#tail.length > half) {
      this.#dropped += this.#tail.length - half;
      this.#tail = this.#tail.slice(-half);
    }
  }

  /** The kept text, with a marker where the middle was left out. */
  text(): string {
    if (this.#dropped === 0) return this.#head + this.#tail;
    return `${this.#head}\n… ${this.#dropped} characters left out here; the full log is ${this.file} …\n${this.#tail}`;
  }

  async close(): Promise<void> {
    if (this.#stream.closed) return;
    await this.#redactor.end();
    this.#stream.end();
    // settles however the stream ended (closed, or failed and destroyed): the failure is `failure`
    await finished(this.#stream).catch(() => undefined);
  }
}

/**
 * Follows a file another process appends to (terraform's own output file): every new byte goes to
 * `onText` as text, in order, from a poll; `stop()` reads what is left and ends.
 */
export function followFile(file: string, onText: (text: string) => void, pollMs = 100): { stop(): Promise<void> } {
  const decoder = new StringDecoder('utf8');
  let offset = 0;
  let reading: Promise<void> = Promise.resolve();
  const drain = async (): Promise<void> => {
    let handle;
    try {
      handle = await open(file, 'r');
    } catch {
      return; // not created yet
    }
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        const text = decoder.write(buffer.subarray(0, bytesRead));
        if (text) onText(text);
      }
    } finally {
      await handle.close();
    }
  };
  const tick = (): void => {
    reading = reading.then(drain).catch(() => undefined);
  };
  const timer = setInterval(tick, pollMs);
  return {
    stop: async () => {
      clearInterval(timer);
      tick();
      await reading;
      const rest = decoder.end();
      if (rest) onText(rest);
    },
  };
}
