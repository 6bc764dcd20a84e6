/**
 * Layer 1 of redaction: values known to be secret (terraform's sensitive values, known secrets),
 * replaced wherever they appear, in every encoding they are likely to be printed in. See the
 * description at the top of redact.ts.
 */
export const MASK = '***';

/** Values shorter than this are not replaced on their own (they would shred ordinary text). */
export const MIN_SECRET_LENGTH = 4;

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function json(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

const urlSafe = (b64: string): string => b64.replace(/\+/g, '-').replace(/\//g, '_');

/** Every form in which a sensitive value may show up in output. */
function formsOf(value: string): string[] {
  const forms = new Set<string>([value]);
  const j = json(value);
  forms.add(j);
  forms.add(json(j));
  forms.add(j.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  forms.add(j.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  forms.add(value.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c));
  const url = encodeURIComponent(value);
  forms.add(url);
  forms.add(url.replace(/%20/g, '+'));
  forms.add(url.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  try {
    forms.add(encodeURI(value));
  } catch {
    // lone surrogates: encodeURIComponent above would have thrown too
  }
  const bytes = Buffer.from(value, 'utf8');
  const b64 = bytes.toString('base64');
  for (const b of [b64, urlSafe(b64)]) {
    forms.add(b);
    forms.add(b.replace(/=+$/, ''));
  }
  if (bytes.length >= 6) {
    // the value at byte offset k (mod 3) of a larger blob: the characters it alone determines
    for (let k = 0; k < 3; k++) {
      const shifted = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
      const infix = shifted.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
      if (infix.length >= 8) {
        forms.add(infix);
        forms.add(urlSafe(infix));
      }
    }
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

let cachedKey: string | undefined;
let cachedMatcher: RegExp | undefined;

/** One alternation of all sensitive forms, longest first, so one pass replaces them all. */
export function sensitiveMatcher(values: Iterable<string>): RegExp | undefined {
  const forms = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH) continue;
    for (const f of formsOf(v)) forms.add(f);
    if (v.includes('\n')) {
      for (const raw of v.split('\n')) {
        const line = raw.trim();
        if (line.length < MIN_SECRET_LENGTH) continue;
        forms.add(line);
        forms.add(json(line));
      }
    }
  }
  if (forms.size === 0) return undefined;
  const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return new RegExp(sorted.join('|'), 'g');
}

/** The matcher for the same values as last time is reused (the worker gets one list per chunk). */
export function cachedSensitiveMatcher(values: Iterable<string>): RegExp | undefined {
  const list: string[] = [];
  for (const v of values) if (typeof v === 'string' && v.length >= MIN_SECRET_LENGTH) list.push(v);
  if (list.length === 0) return undefined;
  const key = list.join('\u0000');
  if (key !== cachedKey) {
    cachedKey = key;
    cachedMatcher = sensitiveMatcher(list);
  }
  return cachedMatcher;
}

/** Collects every leaf string of `value` where the parallel `sensitive` mask is true. */
export function collectSensitive(value: unknown, mask: unknown, into: Set<string>): void {
  if (mask === true) {
    collectLeaves(value, into);
    return;
  }
  if (!mask || typeof mask !== 'object' || !value || typeof value !== 'object') return;
  if (Array.isArray(mask)) {
    if (!Array.isArray(value)) return;
    mask.forEach((m, i) => collectSensitive(value[i], m, into));
    return;
  }
  for (const [k, m] of Object.entries(mask as Record<string, unknown>)) {
    collectSensitive((value as Record<string, unknown>)[k], m, into);
  }
}

function collectLeaves(value: unknown, into: Set<string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') into.add(value);
  else if (typeof value === 'number') into.add(String(value));
  else if (Array.isArray(value)) value.forEach((v) => collectLeaves(v, into));
  else if (typeof value === 'object') Object.values(value).forEach((v) => collectLeaves(v, into));
}
