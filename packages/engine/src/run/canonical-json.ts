import { createHash } from 'node:crypto';

/**
 * Canonical JSON, the byte form audit records and plan digests are hashed in:
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

/**
 * The plan digest an audit record carries: lower-case hex SHA-256 of the canonical JSON of
 * `terraform show -json` of the saved plan, so equal plans give equal digests whatever the key order.
 */
export function planDigest(planJson: unknown): string {
  return createHash('sha256').update(canonicalJson(planJson)).digest('hex');
}
