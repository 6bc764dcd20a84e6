import { constants } from 'node:fs';
import { access, appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { acquireFileLock } from '@tfo/engine/state';
import { TfoError } from '@tfo/engine';
import {
  countRecords,
  DIR_MODE,
  FILE_MODE,
  firstLine,
  lastLine,
  listAuditFiles,
  readHead,
  utcDay,
  writeHead,
  HEAD_FILE,
} from './audit-files.js';
import { canonicalJson } from './canonical.js';
import { sealRecord, type AuditEntry, type ChainedAuditRecord } from './record.js';
import { checkLine } from './verify.js';

/** Where a sink is opened: given by the audit plugin when the engine applies it (no I/O yet). */
export interface SinkContext {
  /** The engine's state folder (`.tfo`). */
  stateDir: string;
  /** The config folder; relative paths resolve from here. */
  cwd: string;
  /** Tells the person running tfo something worth knowing that is not a failure. */
  notice?(level: 'info' | 'warn', message: string): void;
}

/** A destination for audit records. `write` must resolve only once the record is stored. */
export interface AuditSink {
  readonly name: string;
  open?(context: SinkContext): void;
  write(entry: AuditEntry): Promise<void>;
  /**
   * Before a run, when the audit plugin fails closed: proves a record could be stored now (a small
   * write, a chain check), or throws saying why not. A sink without it is trusted until it writes.
   */
  probe?(signal?: AbortSignal): Promise<unknown>;
  /** Releases what the sink holds (SDK clients); called when the engine closes. */
  close?(): void | Promise<void>;
}

export interface FileSinkOptions {
  /** Folder of the day files; relative to the config folder. Default `<stateDir>/audit`. */
  dir?: string | undefined;
  /** Clock, for tests. */
  now?: (() => Date) | undefined;
}

/** The end of a file chain: what the next record links to, and what an anchor is checked against. */
export interface ChainHead {
  hash: string | null;
  /** Day of the newest file: records never go into an older file, even if the clock steps back. */
  day: string | null;
  /** Position of the last record (1 for the first); 0 for an empty chain. */
  seq: number;
  /** Id of the last record. */
  id: string | null;
}

/** The trail's append lock, `<dir>/.append.lock` (not a day file: verify and queries skip it). */
const APPEND_LOCK = '.append';

const chainError = (dir: string, message: string): TfoError =>
  new TfoError(
    'TFO_ERR_AUDIT',
    `audit trail ${dir}: ${message}; run \`tfo audit verify\` and repair it before auditing more`,
    {
      file: dir,
    },
  );

/**
 * Finds the chain head from the last line of the newest day file and checks it against HEAD.
 * A HEAD one record behind is a crash between the two writes and is accepted; anything else refuses.
 */
export async function loadChainHead(dir: string): Promise<ChainHead> {
  const files = await listAuditFiles(dir);
  const head = await readHead(dir);
  for (const name of [...files].reverse()) {
    const last = await lastLine(path.join(dir, name));
    if (!last) continue;
    if (!last.terminated) throw chainError(dir, `the last line of ${name} is incomplete (a torn write)`);
    const check = checkLine(last.bytes);
    if (!check.ok) throw chainError(dir, `the last line of ${name} does not hold: ${check.reason}`);
    const { record } = check;
    if (head !== undefined && head !== record.hash && head !== record.prev) {
      throw chainError(
        dir,
        `${HEAD_FILE} names ${head.slice(0, 12)}… but the last record of ${name} is ${record.hash.slice(0, 12)}…`,
      );
    }
    // records written before chains were anchored carry no seq: count them once
    const seq = record.seq ?? (await countRecords(dir, files.slice(0, files.indexOf(name) + 1)));
    return { hash: record.hash, day: name.slice(0, 10), seq, id: record.id };
  }
  if (head) throw chainError(dir, `${HEAD_FILE} names ${head.slice(0, 12)}… but there are no records`);
  return { hash: null, day: null, seq: 0, id: null };
}

/** Hash of the first record of a file chain (which trail an anchor belongs to); null when empty. */
export async function chainGenesis(dir: string): Promise<string | null> {
  for (const name of await listAuditFiles(dir)) {
    const bytes = await firstLine(path.join(dir, name));
    if (!bytes) continue;
    const check = checkLine(bytes);
    if (!check.ok) throw chainError(dir, `the first line of ${name} does not hold: ${check.reason}`);
    return check.record.hash;
  }
  return null;
}

/** The embedded sink: append-only JSONL per UTC day, each record chained by SHA-256 to the one before. */
export class FileSink implements AuditSink {
  readonly name = 'file';
  readonly #options: FileSinkOptions;
  #dir: string | undefined;
  /** Appends run one at a time, in call order, however many deployments finish at once. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: FileSinkOptions = {}) {
    this.#options = options;
    if (options.dir && path.isAbsolute(options.dir)) this.#dir = options.dir;
  }

  /** The audit folder, once known (absolute `dir`, or after `open`). */
  get dir(): string | undefined {
    return this.#dir;
  }

  open(context: SinkContext): void {
    this.#dir ??= this.#options.dir
      ? path.resolve(context.cwd, this.#options.dir)
      : path.join(context.stateDir, 'audit');
  }

  async write(entry: AuditEntry): Promise<void> {
    await this.append(entry);
  }

  /**
   * Before a run (fail-closed): the folder is writable and the chain's tail holds against HEAD
   * (read afresh, in line with the appends). Resolves with the tail; throws TFO_ERR_AUDIT otherwise.
   */
  probe(): Promise<ChainHead> {
    const next = this.#queue.then(async () => {
      const dir = this.#folder();
      await mkdir(dir, { recursive: true, mode: DIR_MODE });
      try {
        await access(dir, constants.W_OK);
      } catch (err) {
        throw chainError(dir, `the folder is not writable: ${(err as Error).message}`);
      }
      return loadChainHead(dir);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Chains and stores one entry; resolves with the stored record. */
  async append(entry: AuditEntry): Promise<ChainedAuditRecord> {
    return (await this.appendAt(entry)).record;
  }

  /** Chains and stores one entry; resolves with the record and the chain's head just after it. */
  appendAt(entry: AuditEntry): Promise<{ record: ChainedAuditRecord; head: ChainHead }> {
    const next = this.#queue.then(() => this.#append(entry));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #folder(): string {
    if (!this.#dir) throw new TfoError('TFO_ERR_USAGE', 'the audit file sink was not opened: give it an absolute dir');
    return this.#dir;
  }

  /**
   * One append at a time across processes too: two tfo runs (or a run and `tfo state unlock`)
   * share the trail, so each append takes the trail's lock and reads the chain's end afresh under
   * it; a head remembered from before could fork the chain.
   */
  async #append(entry: AuditEntry): Promise<{ record: ChainedAuditRecord; head: ChainHead }> {
    const dir = this.#folder();
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const lock = await acquireFileLock({ dir, key: APPEND_LOCK, runId: `audit-${process.pid}`, timeoutMs: 60_000 });
    try {
      return await this.#appendLocked(dir, entry);
    } finally {
      await lock.release();
    }
  }

  async #appendLocked(dir: string, entry: AuditEntry): Promise<{ record: ChainedAuditRecord; head: ChainHead }> {
    const last = await loadChainHead(dir);
    const today = utcDay((this.#options.now ?? (() => new Date()))());
    const day = last.day && last.day > today ? last.day : today;
    const record = sealRecord(entry, last.hash, last.seq + 1);
    // one write of the whole line: a crash leaves at most a torn last line, which verify names and
    // the next append's loadChainHead refuses to build on
    await appendFile(path.join(dir, `${day}.jsonl`), `${canonicalJson(record)}\n`, { mode: FILE_MODE });
    const head = { hash: record.hash, day, seq: last.seq + 1, id: record.id };
    await writeHead(dir, record.hash);
    return { record, head };
  }
}

/** The embedded default sink (see FileSink). */
export function fileSink(options: FileSinkOptions = {}): FileSink {
  return new FileSink(options);
}
