/** The problems a tfvars file can have, and where they are, as HCL counts lines and columns. */

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

export const NOT_LITERAL =
  'tfvars accept only literal values, not interpolations, references, function calls or operators; ' +
  'write the value itself (a literal "${" is written "$${")';

export const C_NL = 10;
export const C_CR = 13;

export function fail(offset: number, summary: string, detail: string): never {
  throw new TfvarsSyntaxError({ offset, summary, detail });
}

export function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}

export function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57) || c === 45;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
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
