/**
 * The low level of the tfvars parser (tfvars-parse.ts): position, blanks and comments, names,
 * keywords, numbers, quoted strings, heredocs, depth, and the errors that name where they are.
 */

import { inside, readHeredoc, readNumber, readQuoted } from './tfvars-literals.js';
import { C_CR, C_NL, fail, isIdPart, isIdStart, NOT_LITERAL, TfvarsSyntaxError } from './tfvars-syntax.js';

export const MAX_DEPTH = 256;

export class TfvarsCursor {
  protected i = 0;
  /** Where the reader is: the attribute, then each object key or tuple index. */
  protected readonly path: string[] = [];
  constructor(protected readonly s: string) {
    // terraform reads a file that starts with a byte order mark as if it did not
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  /** Refuses the `${...}` or `%{...}` at `at`, at what terraform names: a reference, a call, else the template. */
  protected interpolation(at: number): never {
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
  protected refuse(offset: number, summary: string, what: string): never {
    throw new TfvarsSyntaxError({ offset, summary, detail: `${what}: ${NOT_LITERAL}`, path: [...this.path] });
  }

  /** Something follows a complete value: an operator or a traversal is not literal, else `summary`. */
  protected afterValue(summary: string, detail: string): never {
    const c = this.s[this.i]!;
    const operator = '+-*/%<>!&|?.['.includes(c) || (c === '=' && this.s[this.i + 1] === '=');
    if (operator) this.refuse(this.i, 'Operators not allowed', `an operator or index (${c})`);
    fail(this.i, summary, detail);
  }

  /** Skips blanks and comments; newlines too when `newlines`. */
  protected space(newlines: boolean): void {
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

  protected ident(): string {
    const start = this.i;
    while (this.i < this.s.length && isIdPart(this.s.charCodeAt(this.i))) this.i++;
    return this.s.slice(start, this.i);
  }

  /** Offset of the first non-blank after `from` (on the same line). */
  protected space1(from: number): number {
    let j = from;
    while (this.s.charCodeAt(j) === 32 || this.s.charCodeAt(j) === 9) j++;
    return j;
  }

  protected keyword(start: number): unknown {
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

  protected number(start: number): number {
    const [value, end] = readNumber(this.s, start);
    this.i = end;
    return value;
  }

  /** Refuses nesting deeper than `MAX_DEPTH` (this parser recurses: no stack overflow). */
  protected deep(at: number): void {
    if (this.path.length > MAX_DEPTH) {
      fail(at, 'Nesting too deep', `Values may nest at most ${MAX_DEPTH} tuples and objects deep.`);
    }
  }

  protected unterminatedTuple(open: number): never {
    fail(open, 'Unterminated tuple constructor expression', 'There is no closing bracket before the end of the file.');
  }

  protected quoted(): string {
    const [text, end] = readQuoted(this.s, this.i, (at) => this.interpolation(at));
    this.i = end;
    return text;
  }

  protected heredoc(): string {
    const [text, end] = readHeredoc(this.s, this.i, (at) => this.interpolation(at));
    this.i = end;
    return text;
  }
}
