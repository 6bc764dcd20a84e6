/**
 * Where a stream of text may be cut into pieces that are redacted apart: never inside a PEM block,
 * a JWT, a chpasswd block, a state output's lines or botocore's `Signature:` pair.
 */
export const PIECE_CHARS = 1 << 20;
/** A PEM block without its END yet is held from its BEGIN line up to this many characters. */
export const PEM_HOLD_CHARS = 256 * 1024;
/** A line longer than a piece is cut at a whitespace in its last this many characters, if any. */
const WHITESPACE_WINDOW = 4096;
/** An ESC this close before a forced cut may open a sequence the cut would split. */
const ESC_WINDOW = 64;

const BEGIN = '-----BEGIN ';
const END = '-----END';

/** Whether a character code is of the base64url alphabet (`A-Z a-z 0-9 - _`). */
function isB64Url(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/**
 * Whether the line `text[start, end)` ends in what may be the first part of a JWT: a run of
 * base64url characters and dots that starts `eyJ` and has at most one dot (`eyJ…` or `eyJ….…`;
 * with two dots the token is whole).
 */
function endsInJwtPart(text: string, start: number, end: number): boolean {
  let i = end;
  while (i > start && /[ \t\r]/.test(text[i - 1]!)) i--;
  let dots = 0;
  while (i > start) {
    const c = text.charCodeAt(i - 1);
    if (c === 46) dots++;
    else if (!isB64Url(c)) break;
    i--;
  }
  return dots <= 1 && text.startsWith('eyJ', i);
}

/** Where a cut inside a line is safe: at a whitespace near `limit`, never in a surrogate pair or an escape sequence. */
function forcedCut(text: string, limit: number): number {
  let cut = limit;
  const from = Math.max(0, limit - WHITESPACE_WINDOW);
  // after a blank, else after a `,` (a field boundary of minified JSON, as `show -json` prints
  // a whole state on one line), so a key and its value stay in one piece
  let comma = -1;
  for (let i = limit - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      cut = i + 1;
      comma = -1;
      break;
    }
    if (c === 44 && comma < 0) comma = i + 1;
  }
  if (comma > 0) cut = comma;
  // never inside a PEM block: before its BEGIN, or (when it begins the text) after its END
  const begin = text.lastIndexOf(BEGIN, cut - 1);
  if (begin >= 0) {
    const end = text.indexOf(END, begin);
    if (end < 0 || end >= cut) {
      if (begin > 0) cut = begin;
      else if (end >= 0 && end - begin <= PEM_HOLD_CHARS) {
        const close = text.indexOf('-----', end + END.length);
        cut = close >= 0 && close - end <= 64 ? close + 5 : end + END.length;
      }
    }
  }
  const esc = text.lastIndexOf('\x1b', cut - 1);
  if (esc >= 0 && esc >= cut - ESC_WINDOW && esc > 0) cut = esc;
  const before = text.charCodeAt(cut - 1);
  if (before >= 0xd800 && before <= 0xdbff) cut -= 1;
  return cut;
}

/**
 * The length of the prefix of `text` that can be redacted on its own (the rest waits for more
 * text): up to a line end; never inside a PEM block whose END is not there yet (held from the
 * BEGIN line, up to `PEM_HOLD_CHARS`); never between a line ending in what may start a JWT and
 * the next line; never before the lines a chpasswd block, a state output or a `Signature:` line
 * needs. When no such cut exists and `text` is at least `pieceChars` long, the first
 * `pieceChars` are cut anyway (at a whitespace if there is one near the end, else after a `,`;
 * never inside a PEM block, an escape sequence or a surrogate pair), so what is held stays
 * bounded. 0: wait for more.
 */
export function safeCut(text: string, pieceChars = PIECE_CHARS): number {
  const window = Math.min(text.length, pieceChars);
  let cut = text.lastIndexOf('\n', window - 1) + 1;
  // a PEM block begun before the cut and not ended before it: the whole block goes in one piece
  // when its END line is there, else it is held from its BEGIN line (up to PEM_HOLD_CHARS)
  const begin = cut > 0 ? text.lastIndexOf(BEGIN, cut - 1) : -1;
  if (begin >= 0) {
    const end = text.indexOf(END, begin);
    const lineStart = text.lastIndexOf('\n', begin - 1) + 1;
    if (end === -1 || end >= cut) {
      const endLine = end === -1 ? -1 : text.indexOf('\n', end);
      if (endLine !== -1 && endLine - lineStart <= PEM_HOLD_CHARS) cut = endLine + 1;
      else if ((end === -1 ? text.length : end) - lineStart <= PEM_HOLD_CHARS) {
        if (lineStart === 0) return 0;
        cut = lineStart;
      }
    }
  }
  // a JWT split over two lines: keep each line ending in a JWT part with the line after it
  while (cut > 0) {
    const start = text.lastIndexOf('\n', cut - 2) + 1;
    if (!endsInJwtPart(text, start, cut - 1)) break;
    cut = start;
  }
  if (cut > 0) cut = holdBlocks(text, cut) || cut;
  if (cut > 0) return cut;
  return text.length >= pieceChars ? forcedCut(text, pieceChars) : 0;
}

const CHPASSWD_BLOCK = 4096;
const OUTPUT_KEY = /"(?:value|type|sensitive)"\s*:/;

/**
 * The cut moved back before lines whose redaction needs the lines after them: a cloud-init
 * `chpasswd` block (its list follows, at most 4 KB), the `"value"`, `"type"`, `"sensitive"` lines
 * of a state output (the three go together), botocore's `Signature:` line (the signature is on
 * the next). 0 when nothing needs holding, or when holding would leave nothing to cut.
 */
function holdBlocks(text: string, cut: number): number {
  let held = cut;
  const chpasswd = text.lastIndexOf('chpasswd', cut - 1);
  if (chpasswd >= 0 && chpasswd >= cut - CHPASSWD_BLOCK) held = text.lastIndexOf('\n', chpasswd) + 1;
  let lineEnd = held - 1;
  for (let i = 0; i < 3 && lineEnd > 0; i++) {
    const lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
    const line = text.slice(lineStart, lineEnd);
    if (OUTPUT_KEY.test(line) || (i === 0 && line.includes('Signature:'))) held = lineStart;
    lineEnd = lineStart - 1;
  }
  return held === cut || held <= 0 ? 0 : held;
}
