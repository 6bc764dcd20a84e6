import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSink, listAuditFiles, verifyChain, HEAD_FILE, type ChainedAuditRecord } from '../src/index.js';
import { entry, removeTempDirs, tempDir } from './support.js';

afterEach(removeTempDirs);

const opened = (dir: string, now?: () => Date): ReturnType<typeof fileSink> => {
  const sink = fileSink({ dir, now });
  sink.open({ stateDir: dir, cwd: dir });
  return sink;
};

const day = (iso: string) => (): Date => new Date(iso);

describe('file sink', () => {
  it('keeps a valid chain when 20 deployments append at once', async () => {
    const dir = await tempDir();
    const sink = opened(dir, day('2025-03-01T12:00:00Z'));
    const stored = await Promise.all(Array.from({ length: 20 }, (_, i) => sink.append(entry({ id: `c-${i}` }))));

    const result = await verifyChain(dir);
    expect(result).toEqual({ ok: true, records: 20, files: 1, head: expect.any(String) as string });
    const lines = (await readFile(path.join(dir, '2025-03-01.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    const onDisk = lines.map((l) => JSON.parse(l) as ChainedAuditRecord);
    expect(onDisk.map((r) => r.id).sort()).toEqual(stored.map((r) => r.id).sort());
    expect(onDisk[0]!.prev).toBeNull();
    for (let i = 1; i < onDisk.length; i += 1) expect(onDisk[i]!.prev).toBe(onDisk[i - 1]!.hash);
    expect((await readFile(path.join(dir, HEAD_FILE), 'utf8')).trim()).toBe(onDisk[19]!.hash);
    expect(result.ok && result.head).toBe(onDisk[19]!.hash);
  });

  it('keeps one chain when two processes append to one trail, each having looked at it before', async () => {
    // two tfo runs on one trail: each probed it before its deployments ran, then both append,
    // interleaved and at once
    const dir = await tempDir();
    const now = day('2025-03-01T12:00:00Z');
    const [a, b] = [opened(dir, now), opened(dir, now)];
    await a.probe();
    await b.probe();
    await a.append(entry({ id: 'a-1' }));
    await b.append(entry({ id: 'b-1' }));
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => a.append(entry({ id: `a-${i + 2}` }))),
      ...Array.from({ length: 10 }, (_, i) => b.append(entry({ id: `b-${i + 2}` }))),
    ]);
    expect(await verifyChain(dir)).toMatchObject({ ok: true, records: 22 });
    const seqs = (await readFile(path.join(dir, '2025-03-01.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as ChainedAuditRecord).seq);
    expect(seqs).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(await listAuditFiles(dir)).toEqual(['2025-03-01.jsonl']); // the append lock is gone
  });

  it('opens day files and HEAD with mode 0600', async () => {
    const dir = await tempDir();
    await opened(dir, day('2025-03-01T12:00:00Z')).write(entry());
    expect((await stat(path.join(dir, '2025-03-01.jsonl'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, HEAD_FILE))).mode & 0o777).toBe(0o600);
  });

  it('chains records across two days, and a new sink continues from the newest file', async () => {
    const dir = await tempDir();
    let now = new Date('2025-03-01T23:59:59Z');
    const first = opened(dir, () => now);
    const a = await first.append(entry());
    const b = await first.append(entry());
    now = new Date('2025-03-02T00:00:01Z');
    const c = await first.append(entry());
    const restarted = opened(dir, () => now);
    const d = await restarted.append(entry());

    expect(await listAuditFiles(dir)).toEqual(['2025-03-01.jsonl', '2025-03-02.jsonl']);
    expect([a.prev, b.prev, c.prev, d.prev]).toEqual([null, a.hash, b.hash, c.hash]);
    expect(await verifyChain(dir)).toMatchObject({ ok: true, records: 4, files: 2 });
  });

  it('never writes into an older day file when the clock steps back', async () => {
    const dir = await tempDir();
    let now = new Date('2025-03-02T00:00:01Z');
    const sink = opened(dir, () => now);
    await sink.append(entry());
    now = new Date('2025-03-01T23:59:59Z');
    await sink.append(entry());
    expect(await listAuditFiles(dir)).toEqual(['2025-03-02.jsonl']);
    expect(await verifyChain(dir)).toMatchObject({ ok: true, records: 2 });
  });

  it('changing any byte of a record line fails verify at that record, never passes', async () => {
    const dir = await tempDir();
    const sink = opened(dir, day('2025-03-01T12:00:00Z'));
    const records: ChainedAuditRecord[] = [];
    for (let i = 0; i < 3; i += 1) records.push(await sink.append(entry({ id: `flip-${i}` })));
    const file = path.join(dir, '2025-03-01.jsonl');
    const original = await readFile(file);
    const start = original.indexOf(0x0a) + 1;
    const end = original.indexOf(0x0a, start); // the newline ending line 2 is flipped too
    expect(await verifyChain(dir)).toMatchObject({ ok: true, records: 3 });

    let checked = 0;
    for (let pos = start; pos <= end; pos += 1) {
      for (const mask of [0x01, 0x20, 0x80]) {
        const bytes = Buffer.from(original);
        bytes[pos] = bytes[pos]! ^ mask;
        await writeFile(file, bytes);
        const result = await verifyChain(dir);
        if (result.ok) throw new Error(`flipping byte ${pos - start} with ${mask} passed verify`);
        expect(result.broken).toMatchObject({ file: '2025-03-01.jsonl', line: 2 });
        checked += 1;
      }
    }
    expect(checked).toBe((end - start + 1) * 3);
    await writeFile(file, original);
    expect(await verifyChain(dir)).toMatchObject({ ok: true, records: 3 });
  });

  it('names a removed record, a torn last line and a truncated tail', async () => {
    const dir = await tempDir();
    const sink = opened(dir, day('2025-03-01T12:00:00Z'));
    for (let i = 0; i < 3; i += 1) await sink.append(entry({ id: `cut-${i}` }));
    const file = path.join(dir, '2025-03-01.jsonl');
    const original = await readFile(file, 'utf8');
    const lines = original.trimEnd().split('\n');

    await writeFile(file, `${lines[0]}\n${lines[2]}\n`);
    expect(await verifyChain(dir)).toMatchObject({ ok: false, broken: { line: 2, id: 'cut-2' } });

    await writeFile(file, `${original}${lines[2]!.slice(0, 40)}`);
    const torn = await verifyChain(dir);
    expect(torn).toMatchObject({ ok: false, broken: { line: 4, id: null } });
    await expect(opened(dir).append(entry())).rejects.toThrow(/torn write/);

    await writeFile(file, `${lines[0]}\n${lines[1]}\n`);
    expect(await verifyChain(dir)).toMatchObject({ ok: false, broken: { file: HEAD_FILE } });
    await expect(opened(dir).append(entry())).rejects.toThrow(/HEAD names/);
  });

  it('accepts a HEAD one record behind (a crash between the two writes) and repairs it', async () => {
    const dir = await tempDir();
    const sink = opened(dir, day('2025-03-01T12:00:00Z'));
    const a = await sink.append(entry());
    const b = await sink.append(entry());
    await writeFile(path.join(dir, HEAD_FILE), `${a.hash}\n`);
    const c = await opened(dir, day('2025-03-01T12:00:00Z')).append(entry());
    expect(c.prev).toBe(b.hash);
    expect(await verifyChain(dir)).toMatchObject({ ok: true, records: 3, head: c.hash });
  });

  it('an empty or missing folder verifies as an empty chain', async () => {
    const dir = await tempDir();
    expect(await verifyChain(path.join(dir, 'none'))).toEqual({ ok: true, records: 0, files: 0, head: null });
  });
});
