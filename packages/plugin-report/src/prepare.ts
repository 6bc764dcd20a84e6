import { readLogWindow, type RunResult } from '@tfo/engine';
import { READ_LIMIT_BYTES } from './run-files.js';

/** Redacts text read from outside the run's view (a log file): the engine's redaction, with the run's sensitive values. */
export type Redactor = (text: string) => Promise<string>;

/**
 * A run to report: `shown` is its redacted view (the `report` hook's second argument, or a
 * result.json, which is that view as written), rendered as it is; `result` is the run as it
 * happened, whose log files are read (its paths may differ from the view's, which are redacted).
 */
export interface ReportRun {
  result: RunResult;
  shown: RunResult;
}

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
}

const DEFAULTS = { logBudgetChars: 8 * 1024 * 1024, minLogChars: 16 * 1024, maxLogChars: 64 * 1024 };

/** How much of each log is shown when `count` deployments share the budget. */
export function logLimit(count: number, options: PrepareOptions = {}): number {
  const o = { ...DEFAULTS, ...options };
  return Math.max(o.minLogChars, Math.min(o.maxLogChars, Math.floor(o.logBudgetChars / Math.max(1, count))));
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

/** What a report of a run shows: its redacted view, and each log read, redacted and trimmed. */
export async function prepareReport(
  { result, shown }: ReportRun,
  redact: Redactor,
  options: PrepareOptions = {},
): Promise<ReportData> {
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
