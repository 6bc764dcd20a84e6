import { TfoError } from './errors.js';
import type { TfvarsReply, TfvarsTask } from './tfvars.worker.js';

type Hcl2Json = typeof import('@cdktf/hcl2json');

/** hcl2json instantiates its wasm on import: load it only when a file is parsed here. */
let hcl2json: Promise<Hcl2Json> | undefined;

/**
 * Parses the text of a `.tfvars` file with a real HCL parser (hcl2json, HashiCorp's HCL in wasm)
 * and returns its values. tfvars hold literal values only: an interpolation, a reference or a
 * function call is an error, and so is a block. `displayPath` names the file in every error.
 */
export async function parseTfvars(text: string, displayPath: string): Promise<Record<string, unknown>> {
  const { parse } = await (hcl2json ??= import('@cdktf/hcl2json'));
  let raw: Record<string, unknown>;
  try {
    raw = (await parse(displayPath, text)) as Record<string, unknown>;
  } catch (cause) {
    throw syntaxError(cause, displayPath);
  }
  return literalValues(raw, text, displayPath);
}

/** Parses many tfvars files; `close` ends its worker threads (if any). */
export interface TfvarsParser {
  parse(text: string, displayPath: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Raw hcl2json parsing elsewhere (the engine's worker pool, `tfvars.worker.ts`). */
export type RawTfvarsParse = (task: TfvarsTask) => Promise<TfvarsReply>;

/**
 * A parser over `raw` (for example the engine's worker pool, so 5,000 files spread over the
 * CPUs); without it, files parse on this thread. Results and errors are exactly those of
 * `parseTfvars`.
 */
export function createTfvarsParser(raw?: RawTfvarsParse): TfvarsParser {
  if (!raw) return { parse: parseTfvars, close: async () => {} };
  return {
    async parse(text: string, displayPath: string): Promise<Record<string, unknown>> {
      const reply = await raw({ file: displayPath, text });
      if (reply.error !== undefined) throw syntaxError(new Error(reply.error), displayPath);
      return literalValues(reply.value ?? {}, text, displayPath);
    },
    close: async () => {},
  };
}

function literalValues(raw: Record<string, unknown>, text: string, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    assertNotBlock(text, name, file);
    out[name] = literal(value, [name], text, file);
  }
  return out;
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

/** hcl2json reports `parse config: [<file>:<line>,<col>-<line>,<col>: <summary>; <detail>]`. */
function syntaxError(cause: unknown, file: string): TfoError {
  const text = cause instanceof Error ? cause.message : String(cause);
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const loc = new RegExp(`${escaped}:(\\d+),(\\d+)(?:-(?:\\d+,)?\\d+)?: `);
  const m = loc.exec(text);
  if (!m) {
    const detail = text.replace(/^parse config: \[?/, '').replace(/\]$/, '');
    return new TfoError('TFO_ERR_TFVARS_SYNTAX', `${file}: ${detail}`, { file, cause });
  }
  const line = Number(m[1]);
  const column = Number(m[2]);
  let detail = text.slice(m.index + m[0].length);
  // Keep the first diagnostic only: the next one starts with the file name again.
  const next = new RegExp(` ${escaped}:\\d+,\\d+`).exec(detail);
  if (next) detail = detail.slice(0, next.index);
  detail = detail.replace(/\]$/, '').trim();
  return new TfoError('TFO_ERR_TFVARS_SYNTAX', `${file}:${line}:${column}: ${detail}`, {
    file,
    line,
    column,
    cause,
  });
}

/** hcl2json turns `name { ... }` into a list of objects; terraform rejects blocks in tfvars. */
function assertNotBlock(text: string, name: string, file: string): void {
  const block = new RegExp(`^\\s*${keyPattern(name)}(\\s+("[^"\\n]*"|[A-Za-z_][\\w-]*))*\\s*\\{`, 'm');
  const m = block.exec(text);
  if (!m) return;
  const line = text.slice(0, m.index + m[0].length).split(/\r\n|\r|\n/).length;
  throw new TfoError(
    'TFO_ERR_TFVARS_SYNTAX',
    `${file}:${line}: "${name}" is written as a block; tfvars accept only attributes: write ${name} = { ... }`,
    { file, line },
  );
}

/**
 * Checks that a value hcl2json returned is literal, and undoes the template escapes it keeps
 * (`$${` → `${`, `%%{` → `%{`). hcl2json renders an expression it cannot evaluate to a constant
 * (a reference, a function call, an interpolation) as a string holding `${...}`.
 */
function literal(value: unknown, path: readonly string[], text: string, file: string): unknown {
  if (typeof value === 'string') return literalString(value, path, text, file);
  if (Array.isArray(value)) return value.map((v, i) => literal(v, [...path, String(i)], text, file));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = literalString(k, [...path, k], text, file);
      out[key] = literal(v, [...path, k], text, file);
    }
    return out;
  }
  return value;
}

function literalString(value: string, path: readonly string[], text: string, file: string): string {
  if (!value.includes('{')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if ((c === '$' || c === '%') && value[i + 1] === c && value[i + 2] === '{') {
      out += `${c}{`;
      i += 2;
    } else if ((c === '$' || c === '%') && value[i + 1] === '{') {
      throw notLiteral(value, path, text, file);
    } else {
      out += c;
    }
  }
  return out;
}

function notLiteral(value: string, path: readonly string[], text: string, file: string): TfoError {
  const line = findAttributeLine(text, path);
  const where = line === undefined ? file : `${file}:${line}`;
  const name = path.filter((p) => !/^\d+$/.test(p)).join('.');
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return new TfoError(
    'TFO_ERR_TFVARS_SYNTAX',
    `${where}: ${name} is not a literal value (${JSON.stringify(shown)}): tfvars accept only literal ` +
      'values, not interpolations, references or function calls; write the value itself ' +
      '(a literal "${" is written "$${")',
    { file, line },
  );
}
