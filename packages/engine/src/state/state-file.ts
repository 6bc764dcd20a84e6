import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { StateFingerprint } from '../model.js';

interface StateJson {
  version?: number;
  serial?: number;
  lineage?: string;
  resources?: Array<{
    module?: string;
    mode?: string;
    type: string;
    name: string;
    instances?: Array<{ index_key?: string | number }>;
  }>;
}

/** Identity of a terraform state document given as bytes (`undefined`: no state). */
export function fingerprintBytes(bytes: Buffer | undefined): StateFingerprint {
  if (!bytes) return { exists: false, readable: false };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let json: StateJson;
  try {
    json = JSON.parse(bytes.toString('utf8')) as StateJson;
  } catch {
    return { exists: true, readable: false, sha256 };
  }
  if (typeof json.serial !== 'number' || typeof json.lineage !== 'string') {
    return { exists: true, readable: false, sha256 };
  }
  return {
    exists: true,
    readable: true,
    serial: json.serial,
    lineage: json.lineage,
    sha256,
    addresses: stateAddresses(json),
  };
}

/** Reads a local state file's identity. */
export async function fingerprintFile(file: string): Promise<StateFingerprint> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, readable: false };
    return { exists: true, readable: false };
  }
  // terraform's local backend writes an empty file while it holds a fresh state: no state yet,
  // unless the key has been deployed before (the state guard tells the two apart)
  if (bytes.length === 0) return { exists: false, readable: false, empty: true };
  return fingerprintBytes(bytes);
}

/** Resource instance addresses in a state document, as terraform prints them. */
function stateAddresses(state: StateJson): string[] {
  const out: string[] = [];
  for (const r of state.resources ?? []) {
    const base = `${r.module ? `${r.module}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    for (const inst of r.instances ?? [{}]) {
      const k = inst.index_key;
      out.push(k === undefined ? base : typeof k === 'number' ? `${base}[${k}]` : `${base}[${JSON.stringify(k)}]`);
    }
  }
  return out.sort();
}

/** Addresses present in `after` but not in `before`: what a raw restore of `before` orphans. */
export function orphanedBy(before: StateFingerprint, after: StateFingerprint): string[] {
  const had = new Set(before.addresses ?? []);
  return (after.addresses ?? []).filter((a) => !had.has(a));
}
