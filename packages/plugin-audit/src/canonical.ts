import { createHash } from 'node:crypto';

/**
 * Canonical JSON, the byte form every record is hashed and stored in:
 * - object keys sorted recursively by UTF-16 code units (`Array.prototype.sort` order);
 * - keys whose value is `undefined` (or a function) are left out, as `JSON.stringify` does;
 * - array items keep their order (an `undefined` item is `null`);
 * - strings, numbers, booleans and `null` are written by `JSON.stringify`;
 * - no whitespace anywhere.
 * Two equal values always give the same bytes, so a hash over them is stable.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    return text ?? 'null';
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return canonicalJson(withJson.toJSON());
  if (Array.isArray(value)) {
    const items: string[] = value.map((item: unknown) =>
      item === undefined || typeof item === 'function' ? 'null' : canonicalJson(item),
    );
    return `[${items.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined || typeof item === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-256 over the canonical JSON of a record without its `hash` field. */
export function recordHash(record: object): string {
  const { hash: _hash, ...body } = record as Record<string, unknown>;
  return sha256Hex(canonicalJson(body));
}
