import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputLog } from '../src/terraform/output-log.js';
import { redactText } from '../src/redaction/redact.js';
import { WorkerPool } from '../src/run/worker-pool.js';

// fabricated secrets, built from parts
const EARLY = 'early-' + 'secret-' + 'Xy7Wq2';
const LATE = 'late-' + 'secret-' + 'Mn4Bv8';
const GH = 'gh' + 'p_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

async function logFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), 'tfo-output-log-')), 'terraform.log');
}

describe('OutputLog', () => {
  const pool = new WorkerPool(2);
  afterAll(() => pool.destroy());

  it('writes terraform.log redacted, mode 0600, with the values known when each part is written', async () => {
    const file = await logFile();
    const log = new OutputLog(file, 1 << 20);
    const known = new Set<string>([EARLY]);
    log.redactWith(() => known);
    log.write(`init: token ${GH}\nvalue ${EARLY}\n`);
    // complete lines are in the file before close, so a live log can be followed
    await new Promise((r) => setTimeout(r, 50));
    expect(await readFile(file, 'utf8')).toBe('init: token ***\nvalue ***\n');
    known.add(LATE);
    log.write(`plan: ${LATE} and ${EARLY}\npartial line without end ${LATE}`);
    await log.close();
    const text = await readFile(file, 'utf8');
    expect(text).toBe('init: token ***\nvalue ***\nplan: *** and ***\npartial line without end ***');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // memory keeps the raw text (for the audit record, which holds the unredacted output)
    expect(log.text()).toContain(LATE);
  });

  it('holds a PEM block until its END line and flushes what is held on close', async () => {
    const file = await logFile();
    const log = new OutputLog(file, 1 << 20);
    const body = `${'QUJDRA'.repeat(10)}\n`.repeat(5);
    log.write('start\n-----BEGIN RSA PRIVATE' + ' KEY-----\n');
    log.write(body);
    await new Promise((r) => setTimeout(r, 50));
    expect(await readFile(file, 'utf8')).toBe('start\n');
    log.write('-----END RSA PRIVATE KEY-----\nafter\n-----BEGIN EC PRIVATE' + ' KEY-----\n' + body);
    await log.close();
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('QUJDRA');
    expect(text).toContain('after\n');
  });

  it('redacts big outputs on the pool, in order', async () => {
    const file = await logFile();
    const log = new OutputLog(file, 1 << 16);
    log.redactWith(
      () => [EARLY],
      (worker, task, transfer) => pool.run(worker, task, transfer),
    );
    const line = (i: number): string =>
      `aws_s3_bucket.b[${i}]: Creating... ${i % 7 === 0 ? EARLY : 'x'} 10.0.0.${i % 200}\n`;
    const parts: string[] = [];
    for (let w = 0; w < 40; w++) {
      const part = Array.from({ length: 2000 }, (_, i) => line(w * 2000 + i)).join('');
      parts.push(part);
      log.write(part);
    }
    await log.close();
    expect(await readFile(file, 'utf8')).toBe(redactText(parts.join(''), { sensitive: [EARLY] }));
  });
});

describe('OutputLog on a full disk', () => {
  it('keeps the process and the kept text, and names the failure, when its file cannot be written', async () => {
    // /dev/full: every write fails with ENOSPC, as on a full disk
    const log = new OutputLog('/dev/full', 1 << 20);
    log.write('Plan: 1 to add, 0 to change, 0 to destroy.\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    log.write('Apply complete!\n');
    await log.close();
    expect(log.failure).toMatch(/ENOSPC|no space/);
    expect(log.text()).toBe('Plan: 1 to add, 0 to change, 0 to destroy.\nApply complete!\n');
  });
});
