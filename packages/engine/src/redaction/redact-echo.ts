import { escapeRegExp, MASK } from './redact-sensitive.js';

/** Values found by patterns are replaced elsewhere in the text only from this length. */
const MIN_ECHO_LENGTH = 8;
/** Values the echo pass looks for, per text. */
const MAX_ECHO = 32;
/** Longer values are not looked for elsewhere (a certificate or a JSON blob is not printed twice). */
const MAX_ECHO_LENGTH = 1024;

/**
 * The echo pass: each value a rule found (8+ characters), as is, JSON-escaped, URL-encoded and
 * base64-encoded, removed wherever else it appears, longest first: a few forms by `includes`,
 * more in one alternation (one scan, not one per form). Only these four forms, not all those of
 * layer 1: a found session token is hundreds of characters, and an alternation of all its
 * encodings, compiled for every text, cost more than all the rules together.
 */
export function removeEchoes(text: string, found: Set<string>): string {
  const forms = new Set<string>();
  for (const v of found) {
    if (v.length < MIN_ECHO_LENGTH || v.length > MAX_ECHO_LENGTH || v.includes(MASK)) continue;
    if (forms.size >= 5 * MAX_ECHO) break;
    forms.add(v);
    forms.add(JSON.stringify(v).slice(1, -1));
    try {
      forms.add(encodeURIComponent(v));
    } catch {
      // a lone surrogate has no URL form
    }
    const b64 = Buffer.from(v, 'utf8').toString('base64');
    forms.add(b64);
    forms.add(b64.replace(/=+$/, ''));
  }
  if (forms.size === 0) return text;
  if (forms.size <= 4) {
    let out = text;
    for (const form of [...forms].sort((a, b) => b.length - a.length)) {
      if (out.includes(form)) out = out.split(form).join(MASK);
    }
    return out;
  }
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  let all: RegExp;
  try {
    all = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  } catch {
    // too large for the engine to compile: one form at a time
    let out = text;
    for (const form of sorted) if (out.includes(form)) out = out.split(form).join(MASK);
    return out;
  }
  return text.replace(all, MASK);
}
