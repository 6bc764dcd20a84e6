import { readLogWindow, type RunResult } from '@tfo/engine';
import { READ_LIMIT_BYTES } from './run-files.js';

/** Redacts text shown to people (the engine's redaction, with the run's sensitive values). */
export type Redactor = (text: string) => Promise<string>;

/** One deployment's log as the report shows it: redacted and trimmed. */
export interface LogView {
  text: string;
  /** Size of the whole log file. */
  bytes: number;
  /** Bytes of it the report leaves out (0: the whole log is shown). */
  omitted: number;
  missing: boolean;
}

/** Everything a report shows, already redacted. Renderers only escape. */
export interface ReportData {
  result: RunResult;
  logs: Map<string, LogView>;
  generatedAt: string;
}

export interface PrepareOptions {
  /** Characters of all logs together; each log gets its share within the per-log bounds. */
  logBudgetChars?: number;
  minLogChars?: number;
  maxLogChars?: number;
  now?: Date;
  /**
   * The run's redacted view when the caller has it (the engine's `shownRun`, or a result.json,
   * which is written from it): shown as it is. Without it, the result is redacted here, string by
   * string with the redactor.
   */
  shown?: RunResult | undefined;
}

const DEFAULTS = { logBudgetChars: 8 * 1024 * 1024, minLogChars: 16 * 1024, maxLogChars: 64 * 1024 };

/** How much of each log is shown when `count` deployments share the budget. */
export function logLimit(count: number, options: PrepareOptions = {}): number {
  const o = { ...DEFAULTS, ...options };
  return Math.max(o.minLogChars, Math.min(o.maxLogChars, Math.floor(o.logBudgetChars / Math.max(1, count))));
}

/**
 * The result with every string redacted, string by string: never as one JSON text, whose escapes
 * (`\u001b` for a colour code, `\"` for a quote) would stand between a secret and the rules.
 */
export async function redactResult(result: RunResult, redact: Redactor): Promise<RunResult> {
  return (await redactLeaves(result, redact)) as RunResult;
}

async function redactLeaves(value: unknown, redact: Redactor): Promise<unknown> {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return Promise.all(value.map((v) => redactLeaves(v, redact)));
  if (value && typeof value === 'object') {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await redactLeaves(v, redact)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

function keepHead(text: string, chars: number): string {
  if (text.length <= chars) return text;
  const cut = text.lastIndexOf('\n', chars) + 1;
  return text.slice(0, cut || chars);
}

function keepTail(text: string, chars: number): string {
  if (text.length <= chars) return text;
  const from = text.length - chars;
  const cut = text.indexOf('\n', from);
  return text.slice(cut < 0 ? from : cut + 1);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A log as shown: a window of the file is read, redacted, then trimmed to `limit` characters
 * (a quarter from the start, the rest from the end, cut at line ends) with a note where the
 * middle was left out. The file itself keeps every byte, unredacted.
 */
export async function logView(file: string, shownFile: string, limit: number, redact: Redactor): Promise<LogView> {
  const window = await readLogWindow(file, READ_LIMIT_BYTES);
  if (!window) return { text: '', bytes: 0, omitted: 0, missing: true };
  const head = await redact(window.head);
  const tail = window.tail ? await redact(window.tail) : '';
  let shownHead = head;
  let shownTail = tail;
  if (head.length + tail.length > limit) {
    shownHead = keepHead(head, Math.floor(limit / 4));
    shownTail = keepTail(tail || head.slice(shownHead.length), limit - shownHead.length);
  }
  const shown = Buffer.byteLength(shownHead) + Buffer.byteLength(shownTail);
  const omitted =
    window.omitted > 0 || shownHead !== head || shownTail !== tail ? Math.max(1, window.bytes - shown) : 0;
  if (omitted === 0) return { text: head + tail, bytes: window.bytes, omitted: 0, missing: false };
  const note =
    `${shownHead.endsWith('\n') || !shownHead ? '' : '\n'}` +
    `\n… about ${formatBytes(omitted)} of this log left out here; the whole log (unredacted) is ${shownFile} …\n\n`;
  return { text: shownHead + note + shownTail, bytes: window.bytes, omitted, missing: false };
}

/** Reads, redacts and trims what a report of `result` shows. */
export async function prepareReport(
  result: RunResult,
  redact: Redactor,
  options: PrepareOptions = {},
): Promise<ReportData> {
  const shown = options.shown ?? (await redactResult(result, redact));
  const limit = logLimit(result.deployments.length, options);
  const logs = new Map<string, LogView>();
  // a few at a time: each reads up to READ_LIMIT_BYTES of its log
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < result.deployments.length; i = next++) {
      const shownOne = shown.deployments[i]!;
      logs.set(shownOne.key, await logView(result.deployments[i]!.logFile, shownOne.logFile, limit, redact));
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, result.deployments.length) }, worker));
  return { result: shown, logs, generatedAt: (options.now ?? new Date()).toISOString() };
}
