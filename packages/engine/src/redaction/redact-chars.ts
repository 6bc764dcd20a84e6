/** Character tables for the hand-written scanners of the redaction rules (PEM, IPv6, secrets). */

/** A lookup table of ASCII characters (codes 0-127). */
export function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}
export const inTable = (table: Uint8Array, code: number): boolean => code < 128 && table[code] === 1;
/** The base64 alphabet with its padding. */
export const B64 = charTable('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=');
