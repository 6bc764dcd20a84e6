/**
 * A parser for the HCL subset that a `.tfvars` file may hold: attributes whose values are
 * constants (strings, heredocs, numbers, booleans, null, tuples, objects).
 *
 * Hand-written on purpose, after measuring the libraries (`node bench/parser.mjs`, BENCHMARKS.md
 * "tfvars parser (issue 12)"): the Go-in-wasm parsers (`@cdktf/hcl2json`, `@cdktn/hcl2json`,
 * `hcl2-parser`) take 3 to 25 s for a 2 MB file and give no column, tree-sitter's HCL grammar takes
 * about 1.3 s to parse and walk it and names no error, lezer's grammar 6.5 s. The target is 0.5 s.
 * tfvars are a small language: terraform evaluates them without variables or functions, so
 * a reference, a function call or an interpolation is an error there, and here too.
 *
 * Every error carries a 1-based line and column (columns count grapheme clusters, as HCL does),
 * and the summary terraform uses for the same mistake.
 */

export interface TfvarsSyntaxIssue {
  /** 0-based offset in the text. */
  offset: number;
  summary: string;
  detail: string;
  /** Set when the value is not a literal: the attribute's path (object keys, tuple indices). */
  path?: string[];
}

/** Thrown by `parseTfvarsText`; `tfvars.ts` turns it into a coded error with line and column. */
export class TfvarsSyntaxError extends Error {
  constructor(readonly issue: TfvarsSyntaxIssue) {
    super(`${issue.summary}; ${issue.detail}`);
    this.name = 'TfvarsSyntaxError';
  }
}

const NOT_LITERAL =
  'tfvars accept only literal values, not interpolations, references, function calls or operators; ' +
  'write the value itself (a literal "${" is written "$${")';

const C_NL = 10;
const C_CR = 13;

/** Parses tfvars text to its values; throws `TfvarsSyntaxError` at the first problem. */
export function parseTfvarsText(text: string): Record<string, unknown> {
  return new Reader(text).body();
}

function fail(offset: number, summary: string, detail: string): never {
  throw new TfvarsSyntaxError({ offset, summary, detail });
}

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}

function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57) || c === 45;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  else target[key] = value;
}

class Reader {
  private i = 0;
  /** Where the reader is: the attribute, then each object key or tuple index. */
  private readonly path: string[] = [];
  constructor(private readonly s: string) {
    // terraform reads a file that starts with a byte order mark as if it did not
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  body(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Map<string, number>();
    for (;;) {
      this.space(true);
      if (this.i >= this.s.length) return out;
      const start = this.i;
      const c = this.s.charCodeAt(start);
      if (c === 34) fail(start, 'Invalid argument name', 'Argument names must not be quoted.');
      if (!isIdStart(c)) {
        fail(start, 'Argument or block definition required', 'An argument or block definition is required here.');
      }
      const name = this.ident();
      this.space(false);
      const next = this.s.charCodeAt(this.i);
      if (next !== 61 || this.s.charCodeAt(this.i + 1) === 61) this.notAttribute(name, start);
      this.i++;
      this.space(false);
      this.path.length = 0;
      this.path.push(name);
      const value = this.value(false);
      this.endOfAttribute();
      const before = seen.get(name);
      if (before !== undefined) {
        fail(start, 'Attribute redefined', `The argument "${name}" was already set at ${position(this.s, before)}.`);
      }
      seen.set(name, start);
      setKey(out, name, value);
    }
  }

  /** Refuses the `${...}` or `%{...}` at `at`, at what terraform names: a reference, a call, else the template. */
  private interpolation(at: number): never {
    const directive = this.s.charCodeAt(at) === 37;
    this.i = inside(this.s, at);
    if (!directive && isIdStart(this.s.charCodeAt(this.i))) this.keyword(this.i);
    this.refuse(
      this.i,
      'Not a literal value',
      directive ? 'a template directive (%{...})' : 'an interpolation (${...})',
    );
  }

  /** A value that is not a literal (reference, call, interpolation, operator) at `offset`. */
  private refuse(offset: number, summary: string, what: string): never {
    throw new TfvarsSyntaxError({ offset, summary, detail: `${what}: ${NOT_LITERAL}`, path: [...this.path] });
  }

  private notAttribute(name: string, start: number): never {
    const c = this.s.charCodeAt(this.i);
    if (c === 123 || c === 34 || isIdStart(c)) {
      fail(
        start,
        `Unexpected "${name}" block`,
        `Blocks are not allowed here: tfvars accept only attributes; write ${name} = { ... }`,
      );
    }
    fail(this.i, 'Argument or block definition required', 'An argument or block definition is required here.');
  }

  private endOfAttribute(): void {
    this.space(false);
    const c = this.s.charCodeAt(this.i);
    if (this.i >= this.s.length || c === C_NL || c === C_CR) return;
    this.afterValue('Missing newline after argument', 'An argument definition must end with a newline.');
  }

  /** Something follows a complete value: an operator or a traversal is not literal, else `summary`. */
  private afterValue(summary: string, detail: string): never {
    const c = this.s[this.i]!;
    if ('+-*/%<>=!&|?.['.includes(c)) this.refuse(this.i, 'Operators not allowed', `an operator or index (${c})`);
    fail(this.i, summary, detail);
  }

  /** Skips blanks and comments; newlines too when `newlines`. */
  private space(newlines: boolean): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9) this.i++;
      else if (newlines && (c === C_NL || (c === C_CR && s.charCodeAt(this.i + 1) === C_NL))) this.i++;
      else if (c === 35 || (c === 47 && s.charCodeAt(this.i + 1) === 47)) {
        while (this.i < s.length && s.charCodeAt(this.i) !== C_NL && s.charCodeAt(this.i) !== C_CR) this.i++;
      } else if (c === 47 && s.charCodeAt(this.i + 1) === 42) {
        const end = s.indexOf('*/', this.i + 2);
        if (end < 0) fail(this.i, 'Unterminated comment', 'There is no closing marker for this comment.');
        this.i = end + 2;
      } else return;
    }
  }

  private ident(): string {
    const start = this.i;
    while (this.i < this.s.length && isIdPart(this.s.charCodeAt(this.i))) this.i++;
    return this.s.slice(start, this.i);
  }

  /** One value; `inBrackets`: inside `[...]` or `(...)`, where newlines do not count. */
  private value(inBrackets: boolean): unknown {
    const s = this.s;
    const start = this.i;
    const c = s.charCodeAt(start);
    if (c === 34) return this.quoted();
    if (c === 123) return this.object();
    if (c === 91) return this.tuple();
    if (c === 60 && s.charCodeAt(start + 1) === 60) return this.heredoc();
    if (isDigit(c)) return this.number(start);
    if (c === 45 && isDigit(s.charCodeAt(this.space1(start + 1)))) {
      this.i = this.space1(start + 1);
      return 0 - this.number(this.i);
    }
    if (c === 40) {
      this.i++;
      this.space(true);
      const v = this.value(true);
      this.space(true);
      if (s.charCodeAt(this.i) !== 41) this.afterValue('Unbalanced parentheses', 'Expected a closing parenthesis.');
      this.i++;
      return v;
    }
    if (isIdStart(c)) return this.keyword(start);
    if (this.i >= s.length)
      fail(start, 'Missing expression', 'Expected the start of an expression, but found the end of the file.');
    if (c === C_NL || c === C_CR || (inBrackets && (c === 93 || c === 44))) {
      fail(start, 'Invalid expression', 'Expected the start of an expression, but found an invalid expression token.');
    }
    if (c === 45 || c === 33) {
      // terraform names what the operator applies to when that is a reference or a call
      this.i = this.space1(start + 1);
      if (isIdStart(s.charCodeAt(this.i))) this.keyword(this.i);
      this.refuse(start, 'Operators not allowed', `an operator (${s[start]})`);
    }
    fail(start, 'Invalid expression', 'Expected the start of an expression, but found an invalid expression token.');
  }

  /** Offset of the first non-blank after `from` (on the same line). */
  private space1(from: number): number {
    let j = from;
    while (this.s.charCodeAt(j) === 32 || this.s.charCodeAt(j) === 9) j++;
    return j;
  }

  private keyword(start: number): unknown {
    const word = this.ident();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    const j = this.space1(this.i);
    if (this.s.charCodeAt(j) === 40) this.refuse(start, 'Function calls not allowed', `a function call (${word}(...))`);
    let ref = word;
    while (this.s.charCodeAt(this.i) === 46 && isIdStart(this.s.charCodeAt(this.i + 1))) {
      this.i++;
      ref += `.${this.ident()}`;
    }
    this.refuse(start, 'Variables not allowed', `a reference (${ref})`);
  }

  private number(start: number): number {
    const s = this.s;
    let j = start;
    while (isDigit(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) === 46 && isDigit(s.charCodeAt(j + 1))) {
      j += 2;
      while (isDigit(s.charCodeAt(j))) j++;
    }
    const e = s.charCodeAt(j);
    if (e === 101 || e === 69) {
      let k = j + 1;
      if (s.charCodeAt(k) === 43 || s.charCodeAt(k) === 45) k++;
      if (isDigit(s.charCodeAt(k))) {
        while (isDigit(s.charCodeAt(k))) k++;
        j = k;
      }
    }
    this.i = j;
    return Number(s.slice(start, j));
  }

  private tuple(): unknown[] {
    const out: unknown[] = [];
    const open = this.i;
    this.i++;
    for (;;) {
      this.space(true);
      if (this.s.charCodeAt(this.i) === 93) {
        this.i++;
        return out;
      }
      if (out.length === 0 && this.s.startsWith('for', this.i) && !isIdPart(this.s.charCodeAt(this.i + 3))) {
        this.refuse(this.i, 'Not a literal value', 'a for expression');
      }
      if (this.i >= this.s.length) this.unterminatedTuple(open);
      this.path.push(String(out.length));
      out.push(this.value(true));
      this.path.pop();
      this.space(true);
      if (this.i >= this.s.length) this.unterminatedTuple(open);
      const c = this.s.charCodeAt(this.i);
      if (c === 44) this.i++;
      else if (c !== 93)
        this.afterValue('Missing item separator', 'Expected a comma to mark the beginning of the next item.');
    }
  }

  private unterminatedTuple(open: number): never {
    fail(open, 'Unterminated tuple constructor expression', 'There is no closing bracket before the end of the file.');
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    for (;;) {
      this.space(true);
      const c = this.s.charCodeAt(this.i);
      if (c === 125) {
        this.i++;
        return out;
      }
      if (this.i >= this.s.length) {
        fail(this.i, 'Missing expression', 'Expected the start of an expression, but found the end of the file.');
      }
      const key = this.objectKey();
      this.space(false);
      const sep = this.s.charCodeAt(this.i);
      if (this.i >= this.s.length || sep === C_NL || sep === C_CR) {
        fail(this.i, 'Missing attribute value', 'Expected an attribute value, introduced by an equals sign ("=").');
      }
      if ((sep !== 61 && sep !== 58) || this.s.charCodeAt(this.i + 1) === 61) {
        fail(
          this.i,
          'Missing key/value separator',
          'Expected an equals sign ("=") to mark the beginning of the attribute value.',
        );
      }
      this.i++;
      this.space(false);
      // a key given twice keeps its last value, as terraform does
      this.path.push(key);
      setKey(out, key, this.value(false));
      this.path.pop();
      this.space(false);
      const after = this.s.charCodeAt(this.i);
      if (after === 44) this.i++;
      else if (after !== 125 && after !== C_NL && after !== C_CR && this.i < this.s.length) {
        this.afterValue(
          'Missing attribute separator',
          'Expected a newline or comma to mark the beginning of the next attribute.',
        );
      }
    }
  }

  private objectKey(): string {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 34) return this.quoted();
    if (isIdStart(c)) return this.ident();
    if (isDigit(c)) {
      const start = this.i;
      return String(this.number(start));
    }
    if (c === 40) {
      this.i++;
      this.space(true);
      const v = this.value(true);
      this.space(true);
      if (s.charCodeAt(this.i) !== 41) this.afterValue('Unbalanced parentheses', 'Expected a closing parenthesis.');
      this.i++;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    }
    fail(this.i, 'Invalid object key', 'An object key must be a name, a quoted string or a number.');
  }

  /** A quoted string: escapes decoded, `$${`/`%%{` unescaped, interpolation refused. */
  private quoted(): string {
    const s = this.s;
    const open = this.i;
    let out = '';
    let j = this.i + 1;
    let from = j;
    for (;;) {
      const c = s.charCodeAt(j);
      if (j >= s.length) fail(open, 'Unterminated template string', 'No closing marker was found for the string.');
      if (c === C_NL || c === C_CR) {
        fail(
          j,
          'Invalid multi-line string',
          'Quoted strings may not be split over multiple lines: use a heredoc (<<EOT) or "\\n".',
        );
      }
      if (c === 34) break;
      if (c === 92) {
        out += s.slice(from, j);
        const [text, len] = escape(s, j);
        out += text;
        j += len;
        from = j;
      } else if ((c === 36 || c === 37) && s.charCodeAt(j + 1) === 123) {
        this.interpolation(j);
      } else if ((c === 36 || c === 37) && s.charCodeAt(j + 1) === c && s.charCodeAt(j + 2) === 123) {
        out += s.slice(from, j + 1);
        j += 2;
        from = j;
      } else j++;
    }
    out += s.slice(from, j);
    this.i = j + 1;
    return normalize(out);
  }

  /** `<<EOT` or `<<-EOT` (indented: the common leading blank of its lines removed). */
  private heredoc(): string {
    const s = this.s;
    const open = this.i;
    const flush = s.charCodeAt(open + 2) === 45;
    this.i = open + (flush ? 3 : 2);
    const marker = this.ident();
    let eol = this.i;
    if (s.charCodeAt(eol) === C_CR) eol++;
    if (marker === '' || s.charCodeAt(eol) !== C_NL) {
      fail(open, 'Invalid heredoc', 'A heredoc starts with <<NAME or <<-NAME and a newline.');
    }
    const lines: string[] = [];
    let at = eol + 1;
    for (;;) {
      if (at >= s.length)
        fail(s.length, 'Unterminated template string', `No closing marker was found for the heredoc "${marker}".`);
      let end = s.indexOf('\n', at);
      if (end < 0) end = s.length;
      const line = s.slice(at, end);
      const body = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (body.trim() === marker && body.trimEnd() === body) {
        this.i = at + body.length;
        break;
      }
      lines.push(end < s.length ? `${line}\n` : line);
      at = end + 1;
    }
    const kept = flush ? flushed(lines) : lines;
    let out = '';
    let offset = eol + 1;
    for (let k = 0; k < kept.length; k++) {
      out += this.unescapeTemplate(kept[k]!, offset + lines[k]!.length - kept[k]!.length);
      offset += lines[k]!.length;
    }
    return normalize(out);
  }

  /** A heredoc line's `$${` and `%%{` unescaped; an interpolation or a directive refused. */
  private unescapeTemplate(line: string, offset: number): string {
    if (!line.includes('{')) return line;
    let out = '';
    for (let k = 0; k < line.length; k++) {
      const c = line[k]!;
      if ((c === '$' || c === '%') && line[k + 1] === '{') {
        this.interpolation(offset + k);
      }
      if ((c === '$' || c === '%') && line[k + 1] === c && line[k + 2] === '{') {
        out += `${c}{`;
        k += 2;
      } else out += c;
    }
    return out;
  }
}

/** Where terraform points for the `${` (or `%{`) at `at`: the expression inside it. */
function inside(s: string, at: number): number {
  let k = at + 2;
  while (s[k] === ' ' || s[k] === '\t' || s[k] === '~') k++;
  return k;
}

function normalize(text: string): string {
  // HCL stores strings in Unicode normal form C; ASCII is already in it
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) > 127) return text.normalize('NFC');
  return text;
}

/** The least leading blank of the non-blank lines, removed from each of them (HCL's rule). */
function flushed(lines: readonly string[]): string[] {
  let least = Number.MAX_SAFE_INTEGER;
  const lead = lines.map((line) => {
    const n = line.length - line.trimStart().length;
    const blank = n === line.length && line.endsWith('\n');
    if (!blank) least = Math.min(least, n);
    return blank ? -1 : n;
  });
  return lines.map((line, k) => (lead[k]! < 0 ? line : line.slice(least)));
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** The backslash escape at `at`: its text and its length in the source. */
function escape(s: string, at: number): [string, number] {
  const c = s[at + 1];
  if (c !== undefined && c in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[c]!, 2];
  const digits = c === 'u' ? 4 : c === 'U' ? 8 : 0;
  const hex = s.slice(at + 2, at + 2 + digits);
  if (digits > 0 && hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) {
    const code = parseInt(hex, 16);
    if (code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) return [String.fromCodePoint(code), 2 + digits];
  }
  const shown = digits > 0 ? `\\${c}${hex}` : (c ?? '');
  fail(at, 'Invalid escape sequence', `The symbol "${shown}" is not a valid escape sequence selector.`);
}

/** `line,column` of an offset, as HCL counts them (columns in grapheme clusters). */
export function position(text: string, offset: number): string {
  const { line, column } = lineColumn(text, offset);
  return `${line},${column}`;
}

let segmenter: Intl.Segmenter | undefined;

/** 1-based line and column of `offset` (a BOM is not a column; CR LF is one newline). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === C_NL) {
      line++;
      lineStart = k + 1;
    }
  }
  if (lineStart === 0 && text.charCodeAt(0) === 0xfeff) lineStart = 1;
  const before = text.slice(lineStart, Math.max(lineStart, offset));
  let column = before.length + 1;
  if (/[^\x00-\x7f]/.test(before)) {
    segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
    column = [...segmenter.segment(before)].length + 1;
  }
  return { line, column };
}
