/** The literal forms of tfvars: numbers, quoted strings and heredocs, decoded as HCL decodes them. */
import { C_CR, C_NL, fail, isDigit, isIdPart } from './tfvars-syntax.js';

/** The number at `start` (digits, a fraction, an exponent) and the offset after it. */
export function readNumber(s: string, start: number): [number, number] {
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
  return [Number(s.slice(start, j)), j];
}

/**
 * The quoted string opening at `open`: its text (escapes decoded, `$${`/`%%{` unescaped) and the
 * offset after it. `template` refuses an interpolation or a directive at its offset.
 */
export function readQuoted(s: string, open: number, template: (at: number) => never): [string, number] {
  let out = '';
  let j = open + 1;
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
      template(j);
    } else if ((c === 36 || c === 37) && s.charCodeAt(j + 1) === c && s.charCodeAt(j + 2) === 123) {
      out += s.slice(from, j + 1);
      j += 2;
      from = j;
    } else j++;
  }
  out += s.slice(from, j);
  return [normalize(out), j + 1];
}

/**
 * The heredoc opening at `open`, `<<EOT` or `<<-EOT` (indented: the common leading blank of its
 * lines removed): its text and the offset after its closing marker.
 */
export function readHeredoc(s: string, open: number, template: (at: number) => never): [string, number] {
  const flush = s.charCodeAt(open + 2) === 45;
  let eol = open + (flush ? 3 : 2);
  const from = eol;
  while (eol < s.length && isIdPart(s.charCodeAt(eol))) eol++;
  const marker = s.slice(from, eol);
  if (s.charCodeAt(eol) === C_CR) eol++;
  if (marker === '' || s.charCodeAt(eol) !== C_NL) {
    fail(open, 'Invalid heredoc', 'A heredoc starts with <<NAME or <<-NAME and a newline.');
  }
  const lines: string[] = [];
  let after: number;
  let at = eol + 1;
  for (;;) {
    if (at >= s.length)
      fail(s.length, 'Unterminated template string', `No closing marker was found for the heredoc "${marker}".`);
    let end = s.indexOf('\n', at);
    if (end < 0) end = s.length;
    const line = s.slice(at, end);
    const body = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (body.trim() === marker && body.trimEnd() === body) {
      after = at + body.length;
      break;
    }
    lines.push(end < s.length ? `${line}\n` : line);
    at = end + 1;
  }
  const kept = flush ? flushed(lines) : lines;
  let out = '';
  let offset = eol + 1;
  for (let k = 0; k < kept.length; k++) {
    out += unescapeTemplate(kept[k]!, offset + lines[k]!.length - kept[k]!.length, template);
    offset += lines[k]!.length;
  }
  return [normalize(out), after];
}

/** A heredoc line's `$${` and `%%{` unescaped; an interpolation or a directive refused. */
function unescapeTemplate(line: string, offset: number, template: (at: number) => never): string {
  if (!line.includes('{')) return line;
  let out = '';
  for (let k = 0; k < line.length; k++) {
    const c = line[k]!;
    if ((c === '$' || c === '%') && line[k + 1] === '{') {
      template(offset + k);
    }
    if ((c === '$' || c === '%') && line[k + 1] === c && line[k + 2] === '{') {
      out += `${c}{`;
      k += 2;
    } else out += c;
  }
  return out;
}

/** Where terraform points for the `${` (or `%{`) at `at`: the expression inside it. */
export function inside(s: string, at: number): number {
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
