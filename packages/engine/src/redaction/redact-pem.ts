/**
 * PEM blocks, however they are printed: as is, with `\n` escapes in a JSON string, one line per
 * element of a JSON array, or one line per log event behind a timestamp or other prefix. Found
 * with indexOf, each character looked at a bounded number of times; the next BEGIN and END are
 * remembered, so a text full of headers without an END stays linear.
 *
 * - `-----BEGIN <LABEL>-----` with a `-----END <LABEL>-----` within 64 KB (and no other BEGIN
 *   before it): everything between is masked, whatever it holds (prefixes, quotes, commas):
 *   `-----BEGIN <LABEL>-----***-----END <LABEL>-----`; when the lines carry CI log timestamps,
 *   those stay and each line's content is masked.
 * - Without such an END (a truncated log, a key cut off): the runs of 16+ base64 characters (or
 *   shorter ones ending in `=`) that follow the header are masked, from the header to the last
 *   of them, while consecutive runs are at most 96 characters and one line break apart (a log
 *   prefix, `", "`, a `\n` escape fit in between).
 */
import { B64, charTable, inTable } from './redact-scan.js';
import { MASK } from './redact-sensitive.js';

const PEM_BEGIN = '-----BEGIN ';
const PEM_END = '-----END ';
const DASHES = '-----';
const MAX_BLOCK = 64 * 1024;
const MAX_GAP = 96;
const MAX_LABEL = 48;

const LABEL = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ');

const isB64 = (code: number): boolean => inTable(B64, code);

/** The label's end when `at` starts `<LABEL>-----`, else -1. */
function labelEnd(text: string, at: number): number {
  let l = at;
  while (l - at < MAX_LABEL && l < text.length && text.charCodeAt(l) < 128 && LABEL[text.charCodeAt(l)] === 1) l++;
  return l > at && text.startsWith(DASHES, l) ? l : -1;
}

/** End of the base64 runs that follow an unterminated header at `from`; `from` when none do. */
function unterminatedEnd(text: string, from: number, limit: number): number {
  let end = from;
  let i = from;
  for (;;) {
    // the gap: short runs, separators, at most one line break, at most MAX_GAP characters
    const gapStart = i;
    let breaks = 0;
    let run = -1;
    while (i < limit && i - gapStart <= MAX_GAP) {
      const c = text.charCodeAt(i);
      if (isB64(c)) {
        let k = i;
        while (k < limit && isB64(text.charCodeAt(k))) k++;
        if (k - i >= 16 || (k - i >= 2 && text.charCodeAt(k - 1) === 61)) {
          run = k;
          break;
        }
        i = k;
        continue;
      }
      if (c === 45 && text.startsWith(DASHES, i)) break; // the dashes of the next header or footer
      if (c === 10 || (c === 92 && text.charCodeAt(i + 1) === 110)) breaks++;
      if (breaks > 1) break;
      i++;
    }
    if (run < 0 || run - from > MAX_BLOCK) return end;
    end = i = run;
  }
}

const STAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z/;
const STAMP_OR_WORD = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z)|\S+/g;

/**
 * A body becomes one MASK; a body printed one log event per line keeps its lines' timestamps
 * (what a reader needs to follow the log) and each line's content becomes a MASK.
 */
function maskBody(body: string): string {
  if (!STAMP.test(body)) return MASK;
  return body.replace(STAMP_OR_WORD, (word: string, stamp: string | undefined) => stamp ?? MASK);
}

export function redactPem(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  let pos = 0;
  let nextEnd = -2;
  let nextBegin = -2;
  for (;;) {
    const begin = text.indexOf(PEM_BEGIN, pos);
    if (begin < 0) break;
    const l = labelEnd(text, begin + PEM_BEGIN.length);
    if (l < 0) {
      pos = begin + 1;
      continue;
    }
    const label = text.slice(begin + PEM_BEGIN.length, l);
    const bodyStart = l + DASHES.length;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf(PEM_END, bodyStart);
    if (nextBegin !== -1 && nextBegin < bodyStart) nextBegin = text.indexOf(PEM_BEGIN, bodyStart);
    const endLabel = nextEnd >= 0 ? labelEnd(text, nextEnd + PEM_END.length) : -1;
    if (
      endLabel >= 0 &&
      nextEnd - bodyStart <= MAX_BLOCK &&
      (nextBegin < 0 || nextBegin > nextEnd) &&
      /\S/.test(text.slice(bodyStart, nextEnd))
    ) {
      const stop = endLabel + DASHES.length;
      parts.push(
        text.slice(copied, begin),
        `${PEM_BEGIN}${label}${DASHES}${maskBody(text.slice(bodyStart, nextEnd))}`,
        text.slice(nextEnd, stop),
      );
      copied = pos = stop;
      continue;
    }
    const stop = unterminatedEnd(text, bodyStart, Math.min(text.length, bodyStart + MAX_BLOCK + MAX_GAP));
    if (stop > bodyStart) {
      parts.push(text.slice(copied, bodyStart), maskBody(text.slice(bodyStart, stop)));
      copied = stop;
    }
    pos = Math.max(stop, bodyStart);
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}
