import { readHead } from './audit-files.js';
import { tailProblem, type AnchorStore, type ChainAnchor } from './anchor.js';
import { chainGenesis, type ChainHead, type FileSink } from './file-sink.js';

/**
 * The file chain and the sinks that hold its anchor, sequenced by the plugin: a record is appended
 * to the file first, and only then is its position written to the anchors, one store at a time
 * in chain order (a position already passed by this process is skipped, never written back).
 */
export class ChainAnchoring {
  readonly file: FileSink;
  readonly stores: readonly AnchorStore[];
  #genesis: string | null | undefined;
  readonly #queues = new Map<AnchorStore, Promise<unknown>>();
  readonly #anchored = new Map<AnchorStore, number>();

  constructor(file: FileSink, stores: readonly AnchorStore[]) {
    this.file = file;
    this.stores = stores;
  }

  get dir(): string {
    const dir = this.file.dir;
    if (!dir) throw new Error('the audit file sink was not opened');
    return dir;
  }

  async #genesisOf(head: ChainHead): Promise<string | null> {
    if (head.seq === 1) this.#genesis = head.hash;
    this.#genesis ??= await chainGenesis(this.dir);
    return this.#genesis;
  }

  /** The anchor that names the chain's head. */
  async anchorOf(head: ChainHead): Promise<ChainAnchor> {
    const genesis = await this.#genesisOf(head);
    if (!head.hash || !head.id || !head.day || !genesis) throw new Error('an empty chain has no anchor');
    return {
      version: 1,
      seq: head.seq,
      hash: head.hash,
      id: head.id,
      file: `${head.day}.jsonl`,
      genesis,
      anchoredAt: new Date().toISOString(),
    };
  }

  /** Moves one store's anchor to the head (queued per store; skipped when already past it). */
  advance(store: AnchorStore, head: ChainHead, signal?: AbortSignal): Promise<void> {
    const next = (this.#queues.get(store) ?? Promise.resolve()).then(async () => {
      if ((this.#anchored.get(store) ?? 0) >= head.seq) return;
      await store.advanceAnchor(await this.anchorOf(head), signal);
      this.#anchored.set(store, head.seq);
    });
    this.#queues.set(
      store,
      next.catch(() => undefined),
    );
    return next;
  }

  /**
   * Before a run: the tail (already checked against HEAD) against one store's anchor, then the
   * anchor moved up to the tail (a run that stopped before anchoring is caught up; a trail anchored
   * for the first time is adopted). Resolves with a problem, or what was done.
   */
  async check(store: AnchorStore, tail: ChainHead, signal?: AbortSignal): Promise<{ problem?: string; note?: string }> {
    const anchor = await store.readAnchor(signal);
    if (anchor) {
      const genesis = tail.seq === 0 ? null : await this.#genesisOf(tail);
      const problem = await tailProblem(this.dir, tail, genesis, anchor, (await readHead(this.dir)) !== undefined);
      if (problem) return { problem };
    }
    if (tail.seq === 0 || (anchor && anchor.seq >= tail.seq)) return {};
    await this.advance(store, tail, signal);
    return {
      note: anchor
        ? `audit: records #${anchor.seq + 1}–#${tail.seq} of the file trail were re-checked and anchored in ${store.anchorLocation}`
        : `audit: the file trail (${tail.seq} record(s)) is now anchored in ${store.anchorLocation}`,
    };
  }
}
