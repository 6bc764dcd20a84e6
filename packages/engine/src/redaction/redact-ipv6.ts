/**
 * The IPv6 rule: found from each colon, without regular expressions (see redact.ts for the rule).
 */
import { charTable, inTable } from './redact-chars.js';
import { MASK } from './redact-sensitive.js';

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
const HEX = charTable('0123456789ABCDEFabcdef');

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

/**
 * The explicit groups of the IPv6 address written in text[start, stop) (an IPv4 tail counts two),
 * or -1 when it is not one. No allocation: this runs for every candidate in colon-dense text.
 * One group of letters only (`a::`, `::add`, `be::`) is a word, not an address.
 */
function ipv6Groups(text: string, start: number, stop: number): number {
  let i = start;
  let groups = 0;
  let compressed = false;
  let digit = false;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return -1;
    compressed = true;
    i += 2;
    if (i === stop) return 0;
  }
  for (;;) {
    let j = i;
    while (j < stop && j - i < 5 && inTable(HEX, text.charCodeAt(j))) {
      if (text.charCodeAt(j) <= 57) digit = true;
      j++;
    }
    if (j < stop && text.charCodeAt(j) === 46) {
      if (!isIPv4(text.slice(i, stop))) return -1;
      groups += 2;
      digit = true;
      break;
    }
    if (j === i || j - i > 4) return -1;
    groups++;
    if (j === stop) break;
    if (text.charCodeAt(j) !== 58) return -1;
    i = j + 1;
    if (i < stop && text.charCodeAt(i) === 58) {
      if (compressed) return -1;
      compressed = true;
      i++;
      if (i === stop) break;
    } else if (i === stop) return -1;
  }
  if (groups === 1 && !digit) return -1;
  if (compressed ? groups > 7 : groups !== 8) return -1;
  return groups;
}

/**
 * Length of the address at the start of text[start, stop), or 0: the whole run, or the run
 * without one trailing colon. With `::` and seven groups, where `::` would stand for a single
 * group (not how addresses are written, RFC 5952), a last group of 2-5 decimal digits is a
 * port: `2001:db8:85a3::8a2e:370:7334:5432` is address and port, as logs print them.
 */
function addressLength(text: string, start: number, stop: number): number {
  let end = stop;
  let groups = ipv6Groups(text, start, end);
  if (groups < 0 && text.charCodeAt(end - 1) === 58 && text.charCodeAt(end - 2) !== 58) {
    end--;
    groups = ipv6Groups(text, start, end);
  }
  if (groups < 0) return 0;
  if (groups === 7 && text.slice(start, end).includes('::')) {
    let k = end;
    while (k > start && text.charCodeAt(k - 1) >= 48 && text.charCodeAt(k - 1) <= 57) k--;
    const digits = end - k;
    if (digits >= 2 && digits <= 5 && text.charCodeAt(k - 1) === 58 && Number(text.slice(k, end)) <= 65535) {
      if (ipv6Groups(text, start, k - 1) >= 0) return k - 1 - start;
    }
  }
  return end - start;
}

/** Whether `s` is an IPv6 address. */
export function isIPv6(s: string): boolean {
  return ipv6Groups(s, 0, s.length) >= 0;
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
    if (stop - start > MAX_IPV6 + 1 || stop - start < 3 || text.charCodeAt(start) === 46) continue;
    // an address has `::` or seven colons: most candidates (`a:b`, times) end here
    let colons = 0;
    let compressed = false;
    for (let k = start; k < stop; k++) {
      if (text.charCodeAt(k) !== 58) continue;
      colons++;
      if (text.charCodeAt(k + 1) === 58) compressed = true;
    }
    if (!compressed && colons < 7) continue;
    const length = addressLength(text, start, stop);
    if (length === 0 || KEEP_IPV6.has(text.slice(start, start + length).toLowerCase())) continue;
    parts.push(text.slice(copied, start), `${MASK}:${MASK}`);
    copied = start + length;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}
