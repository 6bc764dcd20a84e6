import { readHead } from './audit-files.js';
import { anchorProblem, type AnchorStore, type ChainAnchor } from './anchor.js';
import { walkChain, type VerifyResult } from './verify.js';

export interface AnchorCheck {
  sink: string;
  location: string;
  anchor: ChainAnchor | null;
  ok: boolean;
  problem?: string | undefined;
  /** Records after the anchored one (a run that stopped before anchoring them; the next run does). */
  unanchored?: number | undefined;
}

export interface TrailVerification {
  ok: boolean;
  dir: string;
  chain: VerifyResult;
  anchors: AnchorCheck[];
  /** What this verification could not rule out, when nothing outside the file vouches for its end. */
  note?: string | undefined;
}

export const UNANCHORED_NOTE =
  'truncation of the tail cannot be ruled out: no sink holds an anchor of this trail, so removing its last records together with HEAD (or the newest day file) leaves a chain that still verifies. Anchor it: add s3Sink({ bucket }) or dynamodbSink({ table }) next to fileSink() in audit({ sinks })';

/**
 * `tfo audit verify`: every record's hash and link (verifyChain), then the chain against the
 * anchor each store holds: a trail that ends before its anchored record, or holds another record
 * at its position, fails, naming what is missing.
 */
export async function verifyTrail(dir: string, stores: readonly AnchorStore[]): Promise<TrailVerification> {
  const read = await Promise.all(
    stores.map(async (store) => {
      try {
        return { store, anchor: (await store.readAnchor()) ?? null };
      } catch (err) {
        return { store, anchor: null, error: (err as Error).message };
      }
    }),
  );
  const walk = await walkChain(
    dir,
    read.flatMap((r) => (r.anchor ? [r.anchor.seq] : [])),
  );
  const chain = walk.result;
  const headPresent = (await readHead(dir)) !== undefined;
  const anchors: AnchorCheck[] = [];
  for (const { store, anchor, error } of read as Array<(typeof read)[number] & { error?: string }>) {
    const row: AnchorCheck = { sink: store.name, location: store.anchorLocation, anchor, ok: true };
    anchors.push(row);
    if (error !== undefined) {
      Object.assign(row, { ok: false, problem: `the anchor could not be read: ${error}` });
    } else if (!chain.ok) {
      row.ok = false; // not compared: the chain itself is broken
    } else if (!anchor) {
      if (chain.records > 0) {
        row.ok = false;
        row.problem = `no anchor, although the trail holds ${chain.records} record(s): it was deleted, or this sink was added since the last run (the next run writes it)`;
      }
    } else {
      row.problem = await anchorProblem(dir, walk, anchor, headPresent);
      row.ok = row.problem === undefined;
      if (row.ok && chain.records > anchor.seq) row.unanchored = chain.records - anchor.seq;
    }
  }
  return {
    ok: chain.ok && anchors.every((a) => a.ok),
    dir,
    chain,
    anchors,
    note: stores.length === 0 ? UNANCHORED_NOTE : undefined,
  };
}
