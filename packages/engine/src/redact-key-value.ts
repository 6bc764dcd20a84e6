/**
 * Secrets named by their key: `password = "x"`, `"token": "x"`, `SECRET=x`, `<SessionToken>x<`,
 * `--password x`, `password: x`, `|  SecretAccessKey |  x  |`, in any padding, with terraform's
 * `old -> new` updates. The key is found with one regular expression; the value (or the two
 * values of an update) is then read at that position with sticky expressions, so each match
 * costs at most the bounded length of its value. See the description at the top of redact.ts.
 */
import { MASK } from './redact-sensitive.js';

/** Key names (suffixes, case-insensitive) whose value is a secret. */
const KEY_WORDS = [
  'password(?:[_-]?v\\d)?',
  'passwd',
  'passphrase',
  'secret[_-]?(?:access[_-]?)?key',
  'secret[_-]?(?:string|binary)',
  'secret',
  'token',
  'api[_-]?key',
  'private[_-]?key(?:[_-]?(?:pem|openssh|pkcs8))?',
  'session[_-]?name',
  'external[_-]?id',
  'signature',
  'credentials?',
  'webhook[_-]?url',
].join('|');

/** `key` `"`? padding separator padding: the value starts where this ends. */
const KEY_HEAD = new RegExp(
  `(?:${KEY_WORDS})(?![A-Za-z0-9])(\\\\{0,3}["']?)[ \\t]{0,256}(?:=>|[:=|])(?![=:])[ \\t]{0,256}`,
  'gi',
);
/** `--password value` (a long flag, then a space, then its value). */
const FLAG_HEAD = new RegExp(`--(?<=(?:^|[^\\w-])--)(?:[\\w-]{0,64}?[_-])?(?:${KEY_WORDS})[ \\t]{1,8}(?=[^\\s-])`, 'gi');
/** `aws configure set aws_secret_access_key value`. */
const AWS_SET_HEAD = /\b(?:aws_secret_access_key|aws_session_token)[ \t]{1,8}(?=[^\s=:|-])/gi;
/** `<SecretAccessKey>value</...`, also with Go's `\u003c` escapes. */
const XML_HEAD = new RegExp(
  `(?:<|\\\\u003c)(?:[\\w-]{1,32}:)?[\\w-]{0,64}?(?:${KEY_WORDS})(?:\\s[^<>\\n]{0,256})?(?:>|\\\\u003e)(?=[^<\\s\\\\])`,
  'gi',
);

/** Values that are not secrets: terraform's placeholders, references, structure, nothing. */
const NOT_A_VALUE =
  /(?:\\{0,3}["'])?(?:\((?:sensitive|known)\b|(?:null|true|false)(?![^\s"'\\,;})\]&<>|])|\*\*\*|\$\{|(?:var|local|module|data|each|count|self)\.|<<|-----BEGIN )|[{[(]/y;
/** One value: escaped-quoted, double-quoted (with escapes), single-quoted, or a bare word. */
const VALUE = /(\\{1,3}")([^"\\\n]{1,4096})|(")((?:[^"\\\n]|\\[^\n]){1,4096})|(')([^'\n]{1,4096})|([^\s"'\\,;})\]&<>|]{1,4096})/y;
/** The arrow of an update after a value (and its closing quote). */
const ARROW = /(?:\\{0,3}["'])?[ \t]{1,8}->[ \t]{1,8}/y;
const XML_VALUE = /(?:(?!\\u003c)[^<\n]){1,4096}/y;

interface Span {
  start: number;
  end: number;
}

/** The value at `at`, or undefined when there is none or it is not a secret. */
function valueAt(text: string, at: number): Span | undefined {
  NOT_A_VALUE.lastIndex = at;
  if (NOT_A_VALUE.test(text)) return undefined;
  VALUE.lastIndex = at;
  const m = VALUE.exec(text);
  if (!m) return undefined;
  const prefix = (m[1] ?? m[3] ?? m[5] ?? '').length;
  return { start: at + prefix, end: at + m[0].length };
}

/** Values of one match: the value, and the new value of an `old -> new` update. */
function valuesAt(text: string, at: number, spans: Span[]): number {
  const first = valueAt(text, at);
  if (!first) return at;
  spans.push(first);
  ARROW.lastIndex = first.end;
  if (!ARROW.test(text)) return first.end;
  const second = valueAt(text, ARROW.lastIndex);
  if (!second) return ARROW.lastIndex;
  spans.push(second);
  return second.end;
}

function scan(text: string, head: RegExp, spans: Span[], read: (at: number) => number): void {
  head.lastIndex = 0;
  for (;;) {
    const m = head.exec(text);
    if (!m) return;
    const next = read(head.lastIndex);
    if (next > head.lastIndex) head.lastIndex = next;
    else if (m[0].length === 0) head.lastIndex++;
  }
}

/** Masks every secret value named by its key; their values go to `found` (for the echo pass). */
export function redactKeyValues(text: string, found: Set<string>): string {
  const spans: Span[] = [];
  scan(text, KEY_HEAD, spans, (at) => valuesAt(text, at, spans));
  if (text.includes('--')) scan(text, FLAG_HEAD, spans, (at) => valuesAt(text, at, spans));
  if (text.includes('aws_s') || text.includes('AWS_S')) scan(text, AWS_SET_HEAD, spans, (at) => valuesAt(text, at, spans));
  if (text.includes('<') || text.includes('\\u003c')) {
    scan(text, XML_HEAD, spans, (at) => {
      XML_VALUE.lastIndex = at;
      const m = XML_VALUE.exec(text);
      if (!m || m[0].trim() === '') return at;
      spans.push({ start: at, end: at + m[0].length });
      return at + m[0].length;
    });
  }
  return maskSpans(text, spans, found);
}

/** Replaces each span (merged where they overlap) by MASK; the masked values go to `found`. */
export function maskSpans(text: string, spans: Span[], found?: Set<string>): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: string[] = [];
  let copied = 0;
  for (const s of spans) {
    if (s.end <= copied) continue;
    const start = Math.max(s.start, copied);
    parts.push(text.slice(copied, start), MASK);
    if (found && found.size < 256) found.add(text.slice(start, s.end));
    copied = s.end;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}
