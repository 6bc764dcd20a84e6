import path from 'node:path';
import { z } from 'zod';
import { listAuditFiles, readLines } from './audit-files.js';
import { FileSink, type AuditSink, type ChainHead } from './file-sink.js';
import { checkLine, type ChainWalk } from './verify.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * Where the file chain stood when it was last anchored, kept outside the file (an S3 object, a
 * DynamoDB item) and only ever moved forward. A file trail cut short at its end (the last records
 * and HEAD removed together) still chains; only a position held elsewhere shows it is short.
 */
export const chainAnchorSchema = z
  .object({
    version: z.literal(1),
    /** Position of the anchored record (1 for the first record). */
    seq: z.number().int().positive(),
    hash: sha256,
    id: z.string().min(1),
    /** Day file the anchored record is in. */
    file: z.string().min(1),
    /** Hash of the chain's first record: which trail this anchor belongs to. */
    genesis: sha256,
    anchoredAt: z.string(),
  })
  .strict();
export type ChainAnchor = z.infer<typeof chainAnchorSchema>;

/** A sink that can also hold the file chain's anchor (the S3 and DynamoDB sinks). */
export interface AnchorStore {
  readonly name: string;
  /** False when the sink was told not to anchor (`anchor: false`). */
  readonly anchors: boolean;
  /** Where the anchor lives, for messages (`s3://bucket/key`, `table item …`). */
  readonly anchorLocation: string;
  /** `signal` aborts the call (the check before a run has a deadline). */
  readAnchor(signal?: AbortSignal): Promise<ChainAnchor | undefined>;
  /**
   * Moves the anchor to `anchor`, never back: a conditional write that refuses (TFO_ERR_AUDIT) when
   * the stored anchor is further on, or at the same position with another hash.
   */
  advanceAnchor(anchor: ChainAnchor, signal?: AbortSignal): Promise<void>;
}

export function isAnchorStore(sink: unknown): sink is AnchorStore {
  const s = sink as Partial<AnchorStore> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.readAnchor === 'function' &&
    typeof s.advanceAnchor === 'function' &&
    s.anchors === true
  );
}

const short = (hash: string | null): string => (hash ? `${hash.slice(0, 12)}…` : 'nothing');

/** `record #7 (id …, in 2026-12-07.jsonl, hash abc…)` */
export const describeAnchor = (a: ChainAnchor): string =>
  `record #${a.seq} (id ${a.id}, in ${a.file}, hash ${short(a.hash)})`;

const emptyTrail = (dir: string, anchor: ChainAnchor): string =>
  `the anchor names ${describeAnchor(anchor)} but the file trail ${dir} holds no records: its day files were removed, or the anchor belongs to another trail (give each trail its own: s3Sink controlPrefix, dynamodbSink anchorId; a file trail that does not outlive its CI job must not be anchored: anchor: false)`;

/** What is missing when the trail ends before the anchored record. */
async function missingTail(dir: string, anchor: ChainAnchor, lastSeq: number, headPresent: boolean): Promise<string> {
  const files = await listAuditFiles(dir);
  const parts = [
    `the anchor names ${describeAnchor(anchor)} but the file trail ends at record #${lastSeq}: the last ${anchor.seq - lastSeq} record(s) were removed`,
  ];
  if (!files.includes(anchor.file)) parts.push(`day file ${anchor.file} is missing`);
  parts.push(headPresent ? 'HEAD was rolled back with them' : 'HEAD is missing');
  return parts.join('; ');
}

/** Checks a fully verified chain against an anchor; the problem, or undefined when it holds. */
export async function anchorProblem(
  dir: string,
  walk: ChainWalk,
  anchor: ChainAnchor,
  headPresent: boolean,
): Promise<string | undefined> {
  const chain = walk.result;
  if (!chain.ok) return undefined; // the chain's own break is what to report
  if (chain.records === 0) return emptyTrail(dir, anchor);
  if (walk.genesis !== anchor.genesis) {
    return `the trail's first record is ${short(walk.genesis)} but the anchor's is ${short(anchor.genesis)}: the oldest day files were removed, or the anchor belongs to another trail (give each trail its own: s3Sink controlPrefix, dynamodbSink anchorId)`;
  }
  if (chain.records < anchor.seq) return missingTail(dir, anchor, chain.records, chain.head !== null && headPresent);
  const there = walk.at[anchor.seq];
  if (!there || there.hash !== anchor.hash) {
    return `record #${anchor.seq} is ${short(there?.hash ?? null)} but the anchor names ${describeAnchor(anchor)}: the trail was rewritten after it was anchored`;
  }
  return undefined;
}

/**
 * The fast check before a run: the tail (already checked against HEAD) against the anchor.
 * At the anchored position: the hashes agree. Past it (a run that stopped before anchoring):
 * the records from the anchored one to the tail are re-hashed and their links followed, reading
 * only the day files from the anchored record's day on. Before it: records were removed.
 */
export async function tailProblem(
  dir: string,
  tail: ChainHead,
  genesis: string | null,
  anchor: ChainAnchor,
  headPresent: boolean,
): Promise<string | undefined> {
  if (tail.seq === 0 || genesis === null) return emptyTrail(dir, anchor);
  if (genesis !== anchor.genesis) {
    return `the trail's first record is ${short(genesis)} but the anchor's is ${short(anchor.genesis)}: the oldest day files were removed, or the anchor belongs to another trail (give each trail its own: s3Sink controlPrefix, dynamodbSink anchorId)`;
  }
  if (tail.seq < anchor.seq) return missingTail(dir, anchor, tail.seq, headPresent);
  if (tail.seq === anchor.seq) {
    return tail.hash === anchor.hash
      ? undefined
      : `the last record #${tail.seq} is ${short(tail.hash)} but the anchor names ${describeAnchor(anchor)}: the trail was rewritten after it was anchored`;
  }
  return segmentProblem(dir, tail, anchor);
}

/** Follows the chain from the anchored record to the tail. */
async function segmentProblem(dir: string, tail: ChainHead, anchor: ChainAnchor): Promise<string | undefined> {
  const files = (await listAuditFiles(dir)).filter((f) => f >= anchor.file);
  let prev: string | null = null;
  let seq = 0;
  for (const file of files) {
    for await (const line of readLines(path.join(dir, file))) {
      const check = checkLine(line.bytes);
      if (prev === null) {
        if (check.ok && check.record.hash === anchor.hash) {
          prev = anchor.hash;
          seq = anchor.seq;
        }
        continue;
      }
      if (!check.ok) return `${file}:${line.line} (after the anchored record): ${check.reason}`;
      if (check.record.prev !== prev) {
        return `${file}:${line.line} (record ${check.record.id}) does not link to the record before it: a record was removed, inserted or reordered after the anchor`;
      }
      prev = check.record.hash;
      seq += 1;
    }
  }
  if (prev === null) {
    return `the anchored ${describeAnchor(anchor)} is not in ${anchor.file} or any later day file: the trail was rewritten after it was anchored`;
  }
  if (seq !== tail.seq || prev !== tail.hash) {
    return `following the chain from the anchored ${describeAnchor(anchor)} ends at record #${seq} (${short(prev)}), not at the tail #${tail.seq} (${short(tail.hash)})`;
  }
  return undefined;
}

/** The file trail's folder: the configured file sink's, else `<stateDir>/audit`. */
export function trailDir(sinks: readonly AuditSink[], stateDir: string): string {
  const sink = sinks.find((s): s is FileSink => s instanceof FileSink);
  return sink?.dir ?? path.join(stateDir, 'audit');
}

/** The sinks that hold the anchor of the file sink's chain (none without a file sink). */
export function anchorStoresIn(sinks: readonly AuditSink[]): Array<AuditSink & AnchorStore> {
  if (!sinks.some((s) => s instanceof FileSink)) return [];
  return sinks.filter((s): s is AuditSink & AnchorStore => isAnchorStore(s));
}
