/**
 * Redaction rules that need more than one regular expression: IPv6 addresses, cloud-init
 * `chpasswd` lists, JWTs cut over two log lines, and AWS secrets printed next to their access key
 * id. Each is found from a cheap anchor (a colon, a word, a key id) and looks at a bounded window
 * around it. See the description at the top of redact.ts.
 */
import { B64, inTable } from './redact-chars.js';
import { MASK } from './redact-sensitive.js';

export { B64, charTable, inTable } from './redact-chars.js';
export { isIPv4, isIPv6, READABLE_IPV6, redactIPv6 } from './redact-ipv6.js';

// ---------------------------------------------------------------------------------------------
// cloud-init `chpasswd`: `user:password` pairs in its list (YAML block, `\n`-escaped string,
// `echo 'user:pw' | chpasswd`). The window is the chpasswd block: the lines after it that are
// indented deeper than it (at most 4 KB), and 512 characters before the word on its line.
// Overlapping windows are merged; each window is one string replace.

const PAIR = /(?<![\w.:/-])([a-z_][\w.-]{0,31}):(?![/:\s])[^\s:"'\\|]{1,256}(?=$|[\s"'\\|,)\]])/gm;
const WINDOW = 4096;
/** Windows this close are one (a text dense with the word costs one replace, not one per window). */
const MERGE_GAP = 256;

const STAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z[ \t]/y;

/**
 * Indentation of the line at `lineStart` (up to `limit`): blanks and diff markers (`+ - ~`),
 * after a CI log's timestamp if the line starts with one.
 */
function indentAt(text: string, lineStart: number, limit: number): number {
  const first = text.charCodeAt(lineStart);
  let from = lineStart;
  if (first >= 48 && first <= 57) {
    STAMP.lastIndex = lineStart;
    if (STAMP.test(text)) from = STAMP.lastIndex;
  }
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 43 && c !== 45 && c !== 126) break;
    i++;
  }
  return i - from;
}

/** The first line break in [from, to), else `to`: never looks past `to`. */
function lineBreakIn(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) return i;
  return to;
}

/** Start of the line holding `at`: looks back at most 512 characters, and not before `floor`. */
function lineStartNear(text: string, at: number, floor = 0): number {
  const stop = Math.max(floor, at - 512);
  for (let i = at - 1; i >= stop; i--) if (text.charCodeAt(i) === 10) return i + 1;
  return stop;
}

/**
 * End of the block that starts with the line holding `at` (at most WINDOW on); lines before
 * `seen` were looked at already (a merged window) and are not scanned again.
 */
function blockEnd(text: string, at: number, lineStart: number, seen = at): number {
  const indent = indentAt(text, lineStart, at);
  const limit = Math.min(text.length, at + WINDOW);
  if (seen >= limit) return seen;
  let end = lineBreakIn(text, Math.max(at, seen), limit);
  while (end < limit) {
    const next = lineBreakIn(text, end + 1, limit);
    const lead = indentAt(text, end + 1, next);
    const blank = end + 1 + lead >= next || text.charCodeAt(end + 1 + lead) === 13;
    if (!blank && lead <= indent) break;
    end = next;
  }
  return end;
}

export function redactChpasswd(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  let at = text.indexOf('chpasswd');
  while (at >= 0) {
    let lineStart = lineStartNear(text, at);
    const from = Math.max(copied, lineStart);
    let to = blockEnd(text, at, lineStart);
    // windows that touch (or nearly) are one; a line looked at already is not looked at again
    let prev = at;
    let next = text.indexOf('chpasswd', at + 8);
    while (next >= 0 && next <= to + MERGE_GAP) {
      // one within 64 characters of the last one looked at adds at most those 64 to the window
      if (next - prev >= 64 || next > to) {
        const start = lineStartNear(text, next, prev);
        if (start > prev) lineStart = start;
        to = Math.max(to, blockEnd(text, next, lineStart, to));
        prev = next;
      }
      next = text.indexOf('chpasswd', Math.max(next + 8, Math.min(prev + 64, to)));
    }
    parts.push(text.slice(copied, from), text.slice(from, to).replace(PAIR, `$1:${MASK}`));
    copied = to;
    at = next;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// JWTs. Whole ones are masked by the token rule; these mask what is left: a token cut short
// (`eyJ...` header, or header and part of the payload), and when it ends its line, a run of
// base64url characters (with dots) of 16+ characters that starts the next line, or follows its
// prefix (one or two words, such as a timestamp): the rest of the token, in the log event that
// follows.

const JWT_SPLIT =
  /eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{8,4096}(?:\.[A-Za-z0-9_-]{0,4096}){0,2}([ \t"',\\]{0,8}(?:\\n|\r?\n)(?:[^\s]{1,40}[ \t]{1,8}){0,2})(?=[A-Za-z0-9_.-]{16})(?:[A-Za-z0-9_-]{0,4096}\.[A-Za-z0-9_.-]{8,8192}|[A-Za-z0-9_-]{16,8192})(?![A-Za-z0-9_.:-])/g;
const JWT_PART = /eyJ(?<![A-Za-z0-9_-]eyJ)[A-Za-z0-9_-]{8,4096}(?:\.[A-Za-z0-9_-]{0,4096}){0,2}/g;

export function redactJwtParts(text: string): string {
  return text.replace(JWT_SPLIT, `${MASK}$1${MASK}`).replace(JWT_PART, MASK);
}

// ---------------------------------------------------------------------------------------------
// AWS credentials printed without their key names (`aws sts assume-role --output text`, a
// credentials CSV, an `id:secret` pair): after an `AKIA`/`ASIA` key id on the same line (at
// most 256 characters on), a run of 30-99 base64 characters mixing cases and digits (a secret
// access key is 40) or of 100+ (a session token), not a request id. Found from each key id: the
// windows after them are scanned once (a window that overlaps the last starts where it ended).

const KEY_ID = /(?<![A-Za-z0-9])A[KS]IA[A-Z0-9]{16}(?![A-Za-z0-9])/g;
/** The start of a run of 30+ base64 characters. */
const RUN_START = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/=]{30}/g;
const REQUEST_ID = /Request-?I[Dd][>:="' \t]{1,4}$/;
const NEAR = 256;
const MAX_RUN = 8192;

function mixesCases(run: string): boolean {
  const head = run.slice(0, 40);
  return /[a-z]/.test(head) && /[A-Z]/.test(head) && /\d/.test(head);
}

export function redactSecretsNearKeyIds(text: string, found: Set<string>): string {
  const parts: string[] = [];
  let copied = 0;
  let covered = 0;
  let lineEnd = -1; // the first line break at or after the last key id (found once per line)
  KEY_ID.lastIndex = 0;
  for (let id = KEY_ID.exec(text); id; id = KEY_ID.exec(text)) {
    const idEnd = id.index + id[0].length;
    if (lineEnd < idEnd) {
      lineEnd = text.indexOf('\n', idEnd);
      if (lineEnd < 0) lineEnd = text.length;
    }
    const windowEnd = Math.min(idEnd + NEAR, lineEnd);
    const start = Math.max(idEnd, covered);
    if (start >= windowEnd) continue;
    covered = windowEnd;
    // run starts inside the window (30 characters of it may reach past its end)
    const slice = text.slice(start, Math.min(text.length, windowEnd + 30));
    RUN_START.lastIndex = 0;
    for (let m = RUN_START.exec(slice); m && m.index < windowEnd - start; m = RUN_START.exec(slice)) {
      const at = start + m.index;
      let end = at + 30;
      while (end < text.length && end - at < MAX_RUN && inTable(B64, text.charCodeAt(end))) end++;
      RUN_START.lastIndex = end - start;
      covered = Math.max(covered, end);
      const run = text.slice(at, end);
      if (at < copied || end - at > MAX_RUN - 1) continue;
      if (run.length < 100 && (run.length > 99 || run.includes('=') || !mixesCases(run))) continue;
      if (REQUEST_ID.test(text.slice(Math.max(0, at - 16), at))) continue;
      parts.push(text.slice(copied, at), MASK);
      copied = end;
      if (found.size < 32) found.add(run);
    }
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// The password of `scheme://user:password@host`: one regex led by `://`.

const URL_CREDENTIALS = /(:\/\/[^\s/:@"'<>]{0,256}:)[^\s/@"'<>]{1,256}(?=@)/g;

export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${MASK}`);
}
