import type { AuditEntry } from './record.js';

interface FailuresOfSink {
  /** Records (by id) the sink could not store, or whose position it could not anchor. */
  records: Set<string>;
  causes: string[];
}

/** The sink failures of the audit plugin, gathered as records are written until taken. */
export class SinkFailures {
  private readonly bySink = new Map<string, FailuresOfSink>();

  /**
   * Notes that `sink` failed to store `entry` (or to anchor its position). True the first time
   * for that record at that sink: its record and its anchor both failing count as one record.
   */
  add(sink: string, entry: AuditEntry, err: unknown): boolean {
    const row = this.bySink.get(sink) ?? { records: new Set<string>(), causes: [] };
    const cause = err instanceof Error ? err.message : String(err);
    if (!row.causes.includes(cause)) row.causes.push(cause);
    this.bySink.set(sink, row);
    if (row.records.has(entry.id)) return false;
    row.records.add(entry.id);
    return true;
  }

  /**
   * The failures gathered since the last call, as messages, and forgets them: by `onSinkFailure`,
   * `problems` (fail the command) or `warnings`.
   */
  take(onSinkFailure: 'fail' | 'warn'): { problems: string[]; warnings: string[] } {
    const messages = [...this.bySink].map(([name, row]) => {
      const more = row.causes.length > 1 ? ` (and ${row.causes.length - 1} other cause(s))` : '';
      return `audit sink ${name} failed for ${row.records.size} record(s): ${row.causes[0] ?? 'unknown'}${more}`;
    });
    this.bySink.clear();
    return onSinkFailure === 'fail' ? { problems: messages, warnings: [] } : { problems: [], warnings: messages };
  }
}
