/**
 * Redaction rules that need more than one regular expression: IPv6 addresses, cloud-init
 * `chpasswd` lists, JWTs cut over two log lines, and AWS secrets printed next to their access key
 * id. Each is found from a cheap anchor (a colon, a word, a key id) and looks at a bounded window
 * around it. See the description at the top of redact.ts.
 */
import { maskSpans } from './redact-key-value.js';
import { MASK } from './redact-sensitive.js';

interface Span {
  start: number;
  end: number;
}

function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}
const inTable = (table: Uint8Array, code: number): boolean => code < 128 && table[code] === 1;

// ---------------------------------------------------------------------------------------------
// IPv6, found from each colon: the run of hex digits, colons and dots around it is one candidate
// (looked at once), kept unless it is an address. A trailing colon (`2001:db8::1: refused`, a
// port after the address) is not part of it.

export const READABLE_IPV6: readonly string[] = ['::', 'fd00:ec2::254'];
const KEEP_IPV6: ReadonlySet<string> = new Set(READABLE_IPV6);
const IPV6_RUN = charTable('0123456789ABCDEFabcdef:.');
const WORD = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_');
const MAX_IPV6 = 45;
const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

export function isIPv6(s: string): boolean {
  let groups = 0;
  let body = s;
  if (s.includes('.')) {
    const cut = s.lastIndexOf(':');
    if (cut < 0 || !isIPv4(s.slice(cut + 1))) return false;
    body = s.slice(0, cut + 1);
    groups = 2;
    // `::1.2.3.4` / `x::1.2.3.4`: the tail follows `::`; `x:...:1.2.3.4`: a single colon
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  let total = groups;
  for (const half of halves) {
    if (half === '') continue;
    for (const g of half.split(':')) {
      if (!HEX_GROUP.test(g)) return false;
      total += 1;
    }
  }
  if (halves.length === 2) return total >= 1 && total <= 7;
  return total === 8;
}

/** The address in a candidate run, or undefined: as is, or without one trailing colon. */
function addressIn(candidate: string): string | undefined {
  if (candidate.indexOf(':') === candidate.lastIndexOf(':')) return undefined;
  if (isIPv6(candidate)) return candidate;
  if (candidate.endsWith(':') && !candidate.endsWith('::')) {
    const shorter = candidate.slice(0, -1);
    if (shorter.indexOf(':') !== shorter.lastIndexOf(':') && isIPv6(shorter)) return shorter;
  }
  return undefined;
}

export function redactIPv6(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  let pos = 0;
  for (;;) {
    const colon = text.indexOf(':', pos);
    if (colon < 0) break;
    let start = colon;
    while (start > pos && inTable(IPV6_RUN, text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && inTable(IPV6_RUN, text.charCodeAt(end))) end++;
    pos = end;
    if (start > 0 && inTable(WORD, text.charCodeAt(start - 1))) continue;
    if (end < text.length && inTable(WORD, text.charCodeAt(end))) continue;
    let stop = end;
    while (stop > start && text.charCodeAt(stop - 1) === 46) stop--; // a sentence's full stop
    if (stop - start > MAX_IPV6 + 1 || stop - start < 2 || text.charCodeAt(start) === 46) continue;
    const address = addressIn(text.slice(start, stop));
    if (!address || KEEP_IPV6.has(address.toLowerCase())) continue;
    parts.push(text.slice(copied, start), `${MASK}:${MASK}`);
    copied = start + address.length;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// cloud-init `chpasswd`: `user:password` pairs in its list (YAML block, `\n`-escaped string,
// `echo 'user:pw' | chpasswd`). The window is the chpasswd block: the lines after it that are
// indented deeper than it (at most 4 KB), or, on one line, 512 characters around the word.

const PAIR = /(?<![\w.:/-])([a-z_][\w.-]{0,31}):(?![/:\s])([^\s:"'\\|]{1,256})(?=$|[\s"'\\|,)\]])/gm;
const WINDOW = 4096;

export function redactChpasswd(text: string): string {
  const spans: Span[] = [];
  let pos = 0;
  for (;;) {
    const at = text.indexOf('chpasswd', pos);
    if (at < 0) break;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const indent = /^[ \t-]*/.exec(text.slice(lineStart, at))![0].length;
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    // the rest of the line, and the deeper-indented lines below it
    while (end < text.length && end - at < WINDOW) {
      const next = text.indexOf('\n', end + 1);
      const line = text.slice(end + 1, next < 0 ? text.length : next);
      const lead = /^[ \t]*/.exec(line)![0].length;
      if (line.trim() !== '' && lead <= indent) break;
      end = next < 0 ? text.length : next;
    }
    const from = Math.max(lineStart, at - 512);
    const window = text.slice(from, Math.min(end, at + WINDOW));
    PAIR.lastIndex = 0;
    for (let m = PAIR.exec(window); m; m = PAIR.exec(window)) {
      const value = m[2]!;
      const start = from + m.index + m[1]!.length + 1;
      spans.push({ start, end: start + value.length });
    }
    pos = Math.max(at + 8, from + window.length);
  }
  return maskSpans(text, spans);
}

// ---------------------------------------------------------------------------------------------
// JWTs. Whole ones are masked by the token rule; this one masks what is left: a token cut short
// (`eyJ...` header, or header and part of the payload). When it ends its line, the log event
// that follows may hold its rest: the first run of base64url characters (with dots) of 16+
// characters on the next line, after its prefix (60 characters at most), is masked too.

const JWT_PART = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,4096}(?:\.[A-Za-z0-9_-]{0,4096}){0,2}/g;
const LINE_TAIL = /[ \t"',\\]*(?:\\n|\r?\n)/y;
const CONTINUATION =
  /[^\n]{0,60}?(?<![A-Za-z0-9_.-])(?=[A-Za-z0-9_.-]{16})([A-Za-z0-9_-]{0,4096}\.[A-Za-z0-9_.-]{8,8192}|[A-Za-z0-9_-]{16,8192})(?![A-Za-z0-9_.:-])/y;

export function redactJwtParts(text: string): string {
  const spans: Span[] = [];
  JWT_PART.lastIndex = 0;
  for (let m = JWT_PART.exec(text); m; m = JWT_PART.exec(text)) {
    const end = m.index + m[0].length;
    spans.push({ start: m.index, end });
    LINE_TAIL.lastIndex = end;
    if (!LINE_TAIL.test(text)) continue;
    CONTINUATION.lastIndex = LINE_TAIL.lastIndex;
    const c = CONTINUATION.exec(text);
    if (!c) continue;
    const stop = LINE_TAIL.lastIndex + c[0].length;
    spans.push({ start: stop - c[1]!.length, end: stop });
    JWT_PART.lastIndex = Math.max(JWT_PART.lastIndex, stop);
  }
  return maskSpans(text, spans);
}

// ---------------------------------------------------------------------------------------------
// AWS credentials printed without their key names (`aws sts assume-role --output text`, a
// credentials CSV, a `key:secret` pair): near an access key id (same line, 1 KB either side), a
// run of exactly 40 base64 characters (a secret access key) and a run of 100+ (a session token).

const NEAR_KEY_ID = /(?<![A-Za-z0-9])A(?:KIA|SIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const SECRET_NEAR = /(?<![A-Za-z0-9+/=])(?:[A-Za-z0-9+/]{40}|[A-Za-z0-9+/=]{100,8192})(?![A-Za-z0-9+/=])/g;
const NEAR = 1024;

export function redactSecretsNearKeyIds(text: string, found: Set<string>): string {
  const spans: Span[] = [];
  let covered = 0;
  NEAR_KEY_ID.lastIndex = 0;
  for (let m = NEAR_KEY_ID.exec(text); m; m = NEAR_KEY_ID.exec(text)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    let lineEnd = text.indexOf('\n', m.index);
    if (lineEnd < 0) lineEnd = text.length;
    const from = Math.max(lineStart, m.index - NEAR, covered);
    const to = Math.min(lineEnd, m.index + m[0].length + NEAR);
    if (to <= from) continue;
    const window = text.slice(from, to);
    SECRET_NEAR.lastIndex = 0;
    for (let s = SECRET_NEAR.exec(window); s; s = SECRET_NEAR.exec(window)) {
      // a secret access key mixes cases and digits; 40 letters of one case are a word run
      if (s[0].length === 40 && !(/[a-z]/.test(s[0]) && /[A-Z]/.test(s[0]) && /\d/.test(s[0]))) continue;
      spans.push({ start: from + s.index, end: from + s.index + s[0].length });
    }
    covered = to;
  }
  return maskSpans(text, spans, found);
}
