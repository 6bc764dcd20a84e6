import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One file per UTC day: `YYYY-MM-DD.jsonl`. */
const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;

/** The small file holding the hash of the last record written. */
export const HEAD_FILE = 'HEAD';

/** Files and the head file are readable by their owner only. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** `YYYY-MM-DD` of a date in UTC. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The day files of an audit folder, oldest first (their names sort by date). Empty when the folder is absent. */
export async function listAuditFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => DAY_FILE.test(n)).sort();
}

export interface Line {
  /** 1-based line number. */
  line: number;
  bytes: Buffer;
  /** False for a last line without its newline: a write that did not complete. */
  terminated: boolean;
}

/** The lines of a file as raw bytes, streamed (day files hold full terraform output). */
export async function* readLines(file: string): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let line = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
      pending.push(chunk.subarray(start, i));
      yield { line: ++line, bytes: Buffer.concat(pending), terminated: true };
      pending = [];
      start = i + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) yield { line: ++line, bytes: Buffer.concat(pending), terminated: false };
}

/**
 * The last line of a file, read backwards from the end (without reading the whole file).
 * `terminated` is false when the file does not end with a newline. Undefined for an empty file.
 */
export async function lastLine(file: string): Promise<{ bytes: Buffer; terminated: boolean } | undefined> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return undefined;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    const terminated = last[0] === 0x0a;
    const chunks: Buffer[] = [];
    let pos = terminated ? size - 1 : size;
    while (pos > 0) {
      const length = Math.min(65_536, pos);
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, pos - length);
      pos -= length;
      const newline = chunk.lastIndexOf(0x0a);
      if (newline !== -1) {
        chunks.unshift(chunk.subarray(newline + 1));
        break;
      }
      chunks.unshift(chunk);
    }
    return { bytes: Buffer.concat(chunks), terminated };
  } finally {
    await handle.close();
  }
}

/** The hash in the head file, or undefined when there is none. */
export async function readHead(dir: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dir, HEAD_FILE), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Replaces the head file atomically (write aside, then rename). */
export async function writeHead(dir: string, hash: string): Promise<void> {
  const file = path.join(dir, HEAD_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${hash}\n`, { mode: FILE_MODE });
  await rename(temp, file);
}

/** The first line of a file (without its newline), or undefined for an empty file. */
export async function firstLine(file: string): Promise<Buffer | undefined> {
  for await (const line of readLines(file)) return line.bytes;
  return undefined;
}

/** How many records the day files hold, counting line ends only (no parsing, no hashing). */
export async function countRecords(dir: string, files: readonly string[]): Promise<number> {
  let count = 0;
  for (const name of files) {
    let lastByte = 0x0a;
    for await (const chunk of createReadStream(path.join(dir, name)) as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) count += 1;
      if (chunk.length > 0) lastByte = chunk[chunk.length - 1]!;
    }
    if (lastByte !== 0x0a) count += 1; // a torn last line is still a line
  }
  return count;
}
