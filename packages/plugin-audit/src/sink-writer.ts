import type { AuditRecord } from '@tfo/engine';
import { anchorStoresIn, isAnchorStore } from './anchor.js';
import { ChainAnchoring } from './chain-anchoring.js';
import { FileSink, type AuditSink, type ChainHead } from './file-sink.js';
import { toAuditRecord, type AuditEntry } from './record.js';

/** Called when a sink could not store a record, or could not anchor its position. */
export type OnSinkFailure = (sink: string, entry: AuditEntry, err: unknown) => void;

/**
 * Writes each engine record to every sink at once. The file chain's position goes to the anchors
 * only once the record is in the file. A sink that fails is reported through `onFailure`, never
 * thrown: it must not stop the run.
 */
export class SinkWriter {
  /** One entry per engine record, shared by all sinks (same id, same bytes). */
  private readonly entries = new WeakMap<AuditRecord, AuditEntry>();
  private readonly chainFile: FileSink | undefined;
  /** Moves the anchors along the file chain; none without a file sink or an anchor store. */
  readonly anchoring: ChainAnchoring | undefined;

  constructor(
    private readonly sinks: readonly AuditSink[],
    private readonly onFailure: OnSinkFailure,
  ) {
    this.chainFile = sinks.find((s): s is FileSink => s instanceof FileSink);
    const stores = anchorStoresIn(sinks);
    this.anchoring = this.chainFile && stores.length > 0 ? new ChainAnchoring(this.chainFile, stores) : undefined;
  }

  private entryFor(record: AuditRecord): AuditEntry {
    let entry = this.entries.get(record);
    if (!entry) {
      entry = toAuditRecord(record);
      this.entries.set(record, entry);
    }
    return entry;
  }

  /** All sinks write at once, and each anchor waits for the file chain. */
  async write(record: AuditRecord): Promise<void> {
    const entry = this.entryFor(record);
    const chainFile = this.chainFile;
    const head: Promise<ChainHead | undefined> | undefined = chainFile?.appendAt(entry).then(
      (stored) => stored.head,
      (err: unknown) => {
        this.onFailure(chainFile.name, entry, err);
        return undefined;
      },
    );
    await Promise.all(
      this.sinks.map(async (sink) => {
        if (sink === chainFile) return head;
        try {
          await sink.write(entry);
        } catch (err) {
          this.onFailure(sink.name, entry, err);
        }
        const anchoring = this.anchoring;
        if (anchoring && isAnchorStore(sink)) {
          const position = await head;
          if (position) {
            await anchoring.advance(sink, position).catch((err: unknown) => this.onFailure(sink.name, entry, err));
          }
        }
      }),
    );
  }
}
