/**
 * Terminal control sequences, removed before redaction matches anything: a colour code between a
 * key and its `=`, or right before a token, must not hide it. Covers CSI (`ESC [` ... final byte,
 * and the one-byte CSI U+009B), OSC (`ESC ]` ... BEL or `ESC \`, as hyperlinks use), and the
 * two-byte escapes (`ESC (`, `ESC =`, ...). Bounded repetition: an unterminated sequence costs at
 * most its bound, so time stays linear. Node's `util.stripVTControlCharacters` is not used: its
 * pattern leaves OSC sequences of hyperlinks with `ESC \` and has unbounded runs.
 */
const CONTROL =
  /(?:\u001b\[|\u009b)[0-?]{0,64}[ -/]{0,8}[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]{0,4096}(?:\u0007|\u001b\\|\u009c)|\u001b[ -/]{0,4}[0-~]/g;

/** The text without terminal control sequences; the same string when it has none. */
export function stripControl(text: string): string {
  if (!text.includes('\u001b') && !text.includes('\u009b') && !text.includes('\u009d')) return text;
  return text.replace(CONTROL, '');
}
