import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { processStartTime, processState } from './proc.js';
import type { BackupRecord, Deployment, DeploymentStatus, RunMode, Stage, StateFingerprint } from '../model.js';

/** One line of a run journal (`.tfo/runs/<run-id>/journal.jsonl`). */
export type JournalEntry =
  | {
      t: 'run-start';
      at: string;
      runId: string;
      pid: number;
      pidStart?: string | undefined;
      host: string;
      mode: RunMode;
    }
  | { t: 'run-end'; at: string; exitCode: number; cancelled: boolean }
  /** The deployment as the run saw it (parsed values left out) and the inputs file terraform reads. */
  | { t: 'key-start'; at: string; key: string; deployment: Deployment; dataDir: string; dir: string; varFile: string }
  | { t: 'stage'; at: string; key: string; stage: Stage; phase: 'start' | 'end'; ok?: boolean | undefined }
  | { t: 'lease'; at: string; key: string; holder: string }
  | { t: 'terraform'; at: string; key: string; command: string; pid: number; pidStart?: string | undefined }
  | { t: 'plan'; at: string; key: string; planFile: string; varFile: string; hasChanges: boolean }
  | {
      t: 'backup';
      at: string;
      key: string;
      backup?: BackupRecord | undefined;
      before?: StateFingerprint | undefined;
    }
  | { t: 'key-end'; at: string; key: string; status: DeploymentStatus }
  /** Written into an interrupted run's journal by the run that reconciled one of its keys. */
  | { t: 'key-reconciled'; at: string; key: string; by: string; action: string; ok: boolean; detail: string }
  /** Written into an interrupted run's journal once all its keys are reconciled. */
  | { t: 'reconciled'; at: string; by: string };

type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;

export function journalFile(runDir: string): string {
  return path.join(runDir, 'journal.jsonl');
}

/**
 * The append-only journal of a run: each entry is one JSON line, written and fdatasync'd before
 * the call returns, so a run killed at any point leaves every step it took on disk.
 */
export class Journal {
  readonly file: string;
  /** The first write that failed: the run reports it (a journal that misses steps cannot be trusted). */
  failure: string | undefined;

  constructor(runDir: string) {
    mkdirSync(runDir, { recursive: true });
    this.file = journalFile(runDir);
  }

  write(entry: WithoutAt<JournalEntry>): void {
    const line = `${JSON.stringify({ ...entry, at: new Date().toISOString() })}\n`;
    try {
      const fd = openSync(this.file, 'a', 0o600);
      try {
        writeSync(fd, line);
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      this.failure ??= `the run journal ${this.file} could not be written: ${(err as Error).message}`;
    }
  }

  /** The `run-start` line of this process. */
  start(runId: string, mode: RunMode): void {
    this.write({
      t: 'run-start',
      runId,
      pid: process.pid,
      pidStart: processStartTime(process.pid),
      host: hostname(),
      mode,
    });
  }
}

/** The entries of a journal; a torn (half-written) line, only possible last, is skipped. */
export function readJournal(file: string): JournalEntry[] {
  if (!existsSync(file)) return [];
  const out: JournalEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      // a line torn by a kill mid-write
    }
  }
  return out;
}

/** Run ids under `.tfo/runs` that have a journal, oldest first (run ids sort by time). */
export function journaledRuns(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((id) => existsSync(journalFile(path.join(runsDir, id))))
    .sort();
}

/**
 * Whether the process recorded as (pid, start time) may still run on this host: alive, or there
 * but hidden from this user (so a live run is never taken for a dead one).
 */
export function processAlive(pid: number, startTime: string | undefined): boolean {
  const state = processState(pid, startTime);
  return state === 'alive' || state === 'hidden';
}

/** What a journal says about one key. */
export interface KeyJournal {
  key: string;
  start: Extract<JournalEntry, { t: 'key-start' }>;
  stages: Array<Extract<JournalEntry, { t: 'stage' }>>;
  /** The terraform processes started for the key, in order. */
  terraforms: Array<Extract<JournalEntry, { t: 'terraform' }>>;
  plan?: Extract<JournalEntry, { t: 'plan' }> | undefined;
  backup?: Extract<JournalEntry, { t: 'backup' }> | undefined;
  lease?: Extract<JournalEntry, { t: 'lease' }> | undefined;
  /** The key ran to its end (key-end), or an earlier reconcile decided it (audited, ok or not). */
  finished: boolean;
}

/** A run whose journal has no `run-end` and no `reconciled` line. */
export interface UnfinishedRun {
  runId: string;
  dir: string;
  start: Extract<JournalEntry, { t: 'run-start' }>;
  /** alive: its tfo still runs; gone: provably dead (same host, pid dead or reused); unknown: another host. */
  liveness: 'alive' | 'gone' | 'unknown';
  keys: KeyJournal[];
}

/** Bytes read from a journal's end to find its last line (lines are far shorter). */
const TAIL_BYTES = 4096;

/**
 * Whether the journal's last whole line ends the run (`run-end` or `reconciled`: nothing is
 * written after either). Reads only the file's tail.
 */
function endedByLastLine(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const last = buf.toString('utf8').trimEnd().split('\n').pop() ?? '';
    const t = (JSON.parse(last) as { t?: unknown }).t;
    return t === 'run-end' || t === 'reconciled';
  } catch {
    return false; // missing, torn or unreadable: the full read decides
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The run's state from its journal: undefined when it ended or was reconciled. */
export function unfinishedRun(runDir: string): UnfinishedRun | undefined {
  // every run start looks at every journal: an ended one is told by its last line alone
  if (endedByLastLine(journalFile(runDir))) return undefined;
  const entries = readJournal(journalFile(runDir));
  const start = entries.find((e) => e.t === 'run-start');
  if (!start || entries.some((e) => e.t === 'run-end' || e.t === 'reconciled')) return undefined;
  const keys = new Map<string, KeyJournal>();
  for (const e of entries) {
    if (e.t === 'key-start') {
      keys.set(e.key, { key: e.key, start: e, stages: [], terraforms: [], finished: false });
      continue;
    }
    if (!('key' in e)) continue;
    const k = keys.get(e.key);
    if (!k) continue;
    if (e.t === 'stage') k.stages.push(e);
    else if (e.t === 'terraform') k.terraforms.push(e);
    else if (e.t === 'plan') k.plan = e;
    else if (e.t === 'backup') k.backup = e;
    else if (e.t === 'lease') k.lease = e;
    else if (e.t === 'key-end' || e.t === 'key-reconciled') k.finished = true;
  }
  const liveness = start.host !== hostname() ? 'unknown' : processAlive(start.pid, start.pidStart) ? 'alive' : 'gone';
  return { runId: start.runId, dir: runDir, start, liveness, keys: [...keys.values()] };
}

/** The stage a key was in when its run stopped: the last one started. */
export function interruptedStage(k: KeyJournal): Stage | 'none' {
  return k.stages.filter((s) => s.phase === 'start').pop()?.stage ?? 'none';
}

/** The stage whose failure the key was recovering from (the last one that ended not ok), if any. */
export function failedStage(k: KeyJournal): Stage | undefined {
  return k.stages.filter((s) => s.phase === 'end' && s.ok === false).pop()?.stage;
}
