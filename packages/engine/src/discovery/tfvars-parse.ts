/**
 * A parser for the HCL subset that a `.tfvars` file may hold: attributes whose values are
 * constants (strings, heredocs, numbers, booleans, null, tuples, objects).
 *
 * Hand-written on purpose, after measuring the libraries (`node bench/parser.mjs`, BENCHMARKS.md
 * "tfvars parser (issue 12)"; CPU time for a 2 MB file): the Go-in-wasm parsers (`@cdktf/hcl2json`,
 * its fork `@cdktn/hcl2json`) take 2 to 5 s, the GopherJS ones (`hcl2-parser`, `hcl2-json-parser`)
 * 16 s, tree-sitter's HCL grammar (`web-tree-sitter`) 1.2 to 1.7 s only to parse and walk it, with
 * no value decoded and no error named, lezer's grammar (`codemirror-lang-hcl`) 9 s; the target is
 * 0.5 s. None places a reference or a function call where terraform does.
 * tfvars are a small language: terraform evaluates them without variables or functions, so
 * a reference, a function call or an interpolation of either is an error there, and here too.
 * This parser is stricter in one way: the constant expressions terraform would compute
 * (`1 + 2`, `true ? "a" : "b"`, `"${1}"`, `%{ if }`, `[for ...]`) are refused too, at their position.
 *
 * Every error carries a 1-based line and column (columns count grapheme clusters, as HCL does),
 * and the summary terraform uses for the same mistake.
 */

import { TfvarsCursor } from './tfvars-cursor.js';
import { C_CR, C_NL, fail, isDigit, isIdPart, isIdStart, position } from './tfvars-syntax.js';

export { lineColumn, TfvarsSyntaxError, type TfvarsSyntaxIssue } from './tfvars-syntax.js';

/** Parses tfvars text to its values; throws `TfvarsSyntaxError` at the first problem. */
export function parseTfvarsText(text: string): Record<string, unknown> {
  return new Reader(text).body();
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  else target[key] = value;
}
class Reader extends TfvarsCursor {
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

  protected notAttribute(name: string, start: number): never {
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

  protected endOfAttribute(): void {
    this.space(false);
    const c = this.s.charCodeAt(this.i);
    if (this.i >= this.s.length || c === C_NL || c === C_CR) return;
    if (c === 44) {
      fail(
        this.i,
        'Unexpected comma after argument',
        'Argument definitions must be separated by newlines, not commas.',
      );
    }
    this.afterValue('Missing newline after argument', 'An argument definition must end with a newline.');
  }

  /** One value; `inBrackets`: inside `[...]` or `(...)`, where newlines do not count. */
  protected value(inBrackets: boolean): unknown {
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

  protected tuple(): unknown[] {
    const out: unknown[] = [];
    const open = this.i;
    this.deep(open);
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

  protected object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.deep(this.i);
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

  protected objectKey(): string {
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
}
