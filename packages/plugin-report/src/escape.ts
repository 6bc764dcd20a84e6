/** Text made safe for HTML and XML: escaping, and the characters neither may carry. */

// XML 1.0 allows tab, LF, CR and everything from U+0020 except lone surrogates, U+FFFE and U+FFFF.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
// CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks) of terminal output.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Drops terminal escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Drops what XML 1.0 (and HTML) cannot carry: control characters, lone surrogates. */
export function stripInvalidChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return stripInvalidChars(stripAnsi(String(value ?? ''))).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Escapes text for XML element content and quoted attribute values alike. */
export function escapeXml(value: unknown): string {
  return stripInvalidChars(stripAnsi(String(value ?? ''))).replace(/[&<>"']/g, (c) =>
    c === "'" ? '&apos;' : ENTITIES[c]!,
  );
}
