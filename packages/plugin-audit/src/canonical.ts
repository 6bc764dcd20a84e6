import { createHash } from 'node:crypto';
import { canonicalJson } from '@tfo/engine';

/** Canonical JSON (the engine's): the byte form every record is hashed and stored in. */
export { canonicalJson };

/** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-256 over the canonical JSON of a record without its `hash` field. */
export function recordHash(record: object): string {
  const { hash: _hash, ...body } = record as Record<string, unknown>;
  return sha256Hex(canonicalJson(body));
}
