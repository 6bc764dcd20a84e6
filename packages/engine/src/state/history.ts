import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeploymentStatus } from '../model.js';

/** One finished deployment of a key, appended to `.tfo/history/<key>/runs.jsonl`. */
export interface HistoryEntry {
  runId: string;
  at: string;
  file: string;
  status: DeploymentStatus;
  durationMs: number;
  sha256: string;
  serial?: number | undefined;
}

export interface LastGood {
  runId: string;
  at: string;
  file: string;
  sha256: string;
  /** The tfvars text that last applied cleanly (verified). */
  tfvars: string;
}

const SAMPLES_FOR_ESTIMATE = 5;

/** Run history per state key: durations for scheduling, and the last known-good inputs for recovery. */
export class History {
  constructor(readonly dir: string) {}

  #keyDir(key: string): string {
    return path.join(this.dir, key);
  }

  async append(key: string, entry: HistoryEntry): Promise<void> {
    await mkdir(this.#keyDir(key), { recursive: true });
    await appendFile(path.join(this.#keyDir(key), 'runs.jsonl'), `${JSON.stringify(entry)}\n`);
  }

  async entries(key: string): Promise<HistoryEntry[]> {
    let text: string;
    try {
      text = await readFile(path.join(this.#keyDir(key), 'runs.jsonl'), 'utf8');
    } catch {
      return [];
    }
    const out: HistoryEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as HistoryEntry);
      } catch {
        // a torn last line from a killed run: skip it
      }
    }
    return out;
  }

  /** Mean duration of the last few finished runs of a key, or undefined when never run. */
  async expectedMs(key: string): Promise<number | undefined> {
    const done = (await this.entries(key)).filter((e) => e.status !== 'cancelled' && e.status !== 'blocked');
    const recent = done.slice(-SAMPLES_FOR_ESTIMATE);
    if (recent.length === 0) return undefined;
    return recent.reduce((s, e) => s + e.durationMs, 0) / recent.length;
  }

  async setLastGood(key: string, good: LastGood): Promise<void> {
    await mkdir(this.#keyDir(key), { recursive: true });
    const file = path.join(this.#keyDir(key), 'last-good.json');
    await writeFile(`${file}.tmp`, JSON.stringify(good, null, 2));
    await rename(`${file}.tmp`, file);
  }

  async lastGood(key: string): Promise<LastGood | undefined> {
    try {
      return JSON.parse(await readFile(path.join(this.#keyDir(key), 'last-good.json'), 'utf8')) as LastGood;
    } catch {
      return undefined;
    }
  }
}
