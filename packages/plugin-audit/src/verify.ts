import path from 'node:path';
import { listAuditFiles, readHead, readLines, HEAD_FILE } from './audit-files.js';
import { canonicalJson, recordHash } from './canonical.js';
import { auditRecordSchema, SCHEMA_VERSION, type ChainedAuditRecord } from './record.js';

/** The first record that does not hold, named so a person can open it. */
export interface BrokenRecord {
  /** Day file name (`2025-01-31.jsonl`), or `HEAD`. */
  file: string;
  /** 1-based line in the file. */
  line: number;
  /** The record's id when the line could still be read. */
  id: string | null;
  reason: string;
}

/** Where a record of the chain is: what an anchor is compared with. */
export interface ChainPosition {
  seq: number;
  hash: string;
  id: string;
  file: string;
  line: number;
}

export type VerifyResult =
  | { ok: true; records: number; files: number; head: string | null }
  | { ok: false; records: number; files: number; broken: BrokenRecord };

/** A verified chain, with what an anchor is compared with. */
export interface ChainWalk {
  result: VerifyResult;
  /** Hash of the first record (which trail this is); null when empty. */
  genesis: string | null;
  /** The records asked for with `at`, by position. */
  at: Record<number, ChainPosition>;
}

export type LineCheck = { ok: true; record: ChainedAuditRecord } | { ok: false; id: string | null; reason: string };

const short = (hash: unknown): string => (typeof hash === 'string' ? hash.slice(0, 12) : String(hash));

/**
 * Checks one stored line on its own: JSON, schema version, hash over the record, byte-exact
 * canonical form (so no byte can change without the check failing), then the full schema.
 */
export function checkLine(bytes: Buffer): LineCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, id: null, reason: 'the line is not valid JSON (a torn write, or edited)' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, id: null, reason: 'the line is not a JSON object' };
  }
  const fields = raw as Record<string, unknown>;
  const id = typeof fields.id === 'string' ? fields.id : null;
  if (fields.schemaVersion !== SCHEMA_VERSION) {
    return { ok: false, id, reason: `schemaVersion is ${JSON.stringify(fields.schemaVersion)}, not ${SCHEMA_VERSION}` };
  }
  const computed = recordHash(fields);
  if (fields.hash !== computed) {
    return {
      ok: false,
      id,
      reason: `hash mismatch: the line says ${short(fields.hash)}… but the record hashes to ${short(computed)}… (the record was changed)`,
    };
  }
  if (!Buffer.from(canonicalJson(fields), 'utf8').equals(bytes)) {
    return { ok: false, id, reason: 'the line is not in canonical JSON form (its bytes were changed)' };
  }
  const parsed = auditRecordSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      id,
      reason: `the record does not match the audit record schema: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, record: parsed.data };
}

/**
 * Recomputes every record's hash and follows the `prev` links in order across the day files
 * (oldest first), checks each `seq` against its position, then checks `HEAD` against the last
 * record. Names the first broken record.
 */
export async function verifyChain(dir: string): Promise<VerifyResult> {
  return (await walkChain(dir)).result;
}

/** verifyChain, also reporting the first record and the records at the positions `at` (anchors). */
export async function walkChain(dir: string, positions: readonly number[] = []): Promise<ChainWalk> {
  const files = await listAuditFiles(dir);
  const wanted = new Set(positions);
  const at: Record<number, ChainPosition> = {};
  let prev: string | null = null;
  let genesis: string | null = null;
  let records = 0;
  const broken = (file: string, line: number, id: string | null, reason: string): ChainWalk => ({
    result: { ok: false, records, files: files.length, broken: { file, line, id, reason } },
    genesis,
    at,
  });
  for (const file of files) {
    for await (const line of readLines(path.join(dir, file))) {
      if (line.bytes.length === 0) return broken(file, line.line, null, 'empty line');
      const check = checkLine(line.bytes);
      if (!check.ok) return broken(file, line.line, check.id, check.reason);
      const { record } = check;
      if (!line.terminated) {
        return broken(file, line.line, record.id, 'the last line has no newline: its write did not complete');
      }
      if (record.prev !== prev) {
        const reason =
          prev === null
            ? `the first record links to ${short(record.prev)}… instead of nothing: earlier records are missing`
            : `prev is ${short(record.prev)}… but the record before it hashes to ${short(prev)}…: a record was removed, inserted or reordered`;
        return broken(file, line.line, record.id, reason);
      }
      if (record.seq !== undefined && record.seq !== records + 1) {
        return broken(
          file,
          line.line,
          record.id,
          `seq is ${record.seq} but it is record #${records + 1} of the chain: records before it were removed or inserted`,
        );
      }
      prev = record.hash;
      genesis ??= record.hash;
      records += 1;
      if (wanted.has(records)) at[records] = { seq: records, hash: record.hash, id: record.id, file, line: line.line };
    }
  }
  const head = await readHead(dir);
  if (head !== undefined && head !== (prev ?? '')) {
    return broken(
      HEAD_FILE,
      1,
      null,
      `HEAD names ${short(head)}… but the last record hashes to ${prev ? `${short(prev)}…` : 'nothing'}: records at the end were removed, or HEAD was edited`,
    );
  }
  return { result: { ok: true, records, files: files.length, head: prev }, genesis, at };
}
