import { TfoError } from '../errors.js';
import { lineColumn, parseTfvarsText, TfvarsSyntaxError, type TfvarsSyntaxIssue } from './tfvars-parse.js';
import type { TfvarsReply, TfvarsTask } from './tfvars.worker.js';

/**
 * Parses the text of a `.tfvars` file (`tfvars-parse.ts`: the constant subset of HCL that
 * terraform accepts there) and returns its values. An interpolation, a reference, a function
 * call or a block is an error; every error names `displayPath`, line and column.
 */
export async function parseTfvars(text: string, displayPath: string): Promise<Record<string, unknown>> {
  return parseTfvarsNow(text, displayPath);
}

/** `parseTfvars` without the promise. */
export function parseTfvarsNow(text: string, displayPath: string): Record<string, unknown> {
  try {
    return parseTfvarsText(text);
  } catch (err) {
    if (err instanceof TfvarsSyntaxError) throw syntaxError(err.issue, text, displayPath, err);
    throw err;
  }
}

/** Parses many tfvars files; `close` ends its worker threads (if any). */
export interface TfvarsParser {
  parse(text: string, displayPath: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Parsing elsewhere (the engine's worker pool, `tfvars.worker.ts`). */
export type RawTfvarsParse = (task: TfvarsTask) => Promise<TfvarsReply>;

/**
 * A parser over `raw` (for example the engine's worker pool, so many files spread over the
 * CPUs); without it, files parse on this thread. Results and errors are exactly those of
 * `parseTfvars`.
 */
export function createTfvarsParser(raw?: RawTfvarsParse): TfvarsParser {
  if (!raw) return { parse: parseTfvars, close: async () => {} };
  return {
    async parse(text: string, displayPath: string): Promise<Record<string, unknown>> {
      const reply = await raw({ file: displayPath, text });
      if (reply.issue !== undefined) throw syntaxError(reply.issue, text, displayPath);
      return reply.json === undefined ? {} : (JSON.parse(reply.json) as Record<string, unknown>);
    },
    close: async () => {},
  };
}

function syntaxError(issue: TfvarsSyntaxIssue, text: string, file: string, cause?: Error): TfoError {
  const { line, column } = lineColumn(text, issue.offset);
  const where = `${file}:${line}:${column}`;
  const message =
    issue.path === undefined
      ? `${where}: ${issue.summary}: ${issue.detail}`
      : `${where}: ${issue.path.filter((p) => !/^\d+$/.test(p)).join('.')} is not a literal value` +
        `${issue.summary === 'Not a literal value' ? '' : ` (${issue.summary})`}: ${issue.detail}`;
  return new TfoError('TFO_ERR_TFVARS_SYNTAX', message, {
    file,
    line,
    column,
    cause: cause ?? new TfvarsSyntaxError(issue),
  });
}

/**
 * 1-based line of an attribute in tfvars text, found by scanning: `path[0]` at the top level
 * (`^\s*name\s*=`), then each further key on a later line, inside the value of the one before.
 * Numeric parts (list indices) are skipped. Returns the deepest line found, or `undefined`
 * when not even the first key is found.
 */
export function findAttributeLine(text: string, path: readonly string[]): number | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  // Prefer an unindented match: a nested key of the same name may come first.
  const flush = new RegExp(`^${keyPattern(head)}\\s*=`);
  const top = new RegExp(`^\\s*${keyPattern(head)}\\s*=`);
  let at = lines.findIndex((l) => flush.test(l));
  if (at < 0) at = lines.findIndex((l) => top.test(l));
  if (at < 0) return undefined;
  for (const key of rest) {
    if (/^\d+$/.test(key)) continue;
    const inner = new RegExp(`(^|[\\s{,])${keyPattern(key)}\\s*[=:]`);
    const end = nextTopLevel(lines, at);
    const sameLine = lines[at]?.slice(lines[at]!.search(/[=:]/) + 1) ?? '';
    if (inner.test(sameLine)) continue;
    let found = -1;
    for (let i = at + 1; i < end; i++) {
      if (inner.test(lines[i]!)) {
        found = i;
        break;
      }
    }
    if (found < 0) break;
    at = found;
  }
  return at + 1;
}

/** Index of the first line after `from` that starts a new top-level attribute (or the end). */
function nextTopLevel(lines: readonly string[], from: number): number {
  const top = /^[A-Za-z_"][^=]*=/;
  for (let i = from + 1; i < lines.length; i++) if (top.test(lines[i]!)) return i;
  return lines.length;
}

function keyPattern(key: string): string {
  const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `(?:${esc}|"${esc}")`;
}
