import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { MASK, redactText } from '../src/redaction/redact.js';
import {
  PIECE_CHARS,
  PieceRedactor,
  redactChunks,
  redactTransform,
  safeCut,
  type RedactStreamOptions,
} from '../src/redaction/redact-stream.js';
import { WorkerPool } from '../src/run/worker-pool.js';

// fabricated secrets, built from parts
const PASSWORD = 'hunter' + '2-' + 'Zq9xW4vB';
const GH_TOKEN = 'gh' + 'p_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const PEM_BODY = Array.from({ length: 24 }, (_, i) => `MIIE${String(i).padStart(2, '0')}${'Qk9ndXM'.repeat(8)}x`);
const PEM = ['-----BEGIN RSA PRIVATE' + ' KEY-----', ...PEM_BODY, '-----END RSA PRIVATE KEY-----'].join('\n');
const JWT_HEAD = 'eyJ' + 'hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const JWT_REST = '.eyJ' + 'zdWIiOiJ1c2VyLTQyIiwibmFtZSI6IkZha2UifQ' + '.c2lnbmF0dXJlLWZha2UtZmFrZS1mYWtlLWZha2U';

/** Runs `text` through the Transform in chunks of `chunkBytes` bytes. */
async function streamed(text: string, chunkBytes: number, options: RedactStreamOptions = {}): Promise<string> {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(bytes.subarray(i, i + chunkBytes));
  const out: string[] = [];
  await pipeline(
    Readable.from(chunks),
    redactTransform(options),
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk.toString('utf8'));
        cb();
      },
    }),
  );
  return out.join('');
}

/** An ordinary terraform log with seeded secrets, `lines` long. */
function terraformLog(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    switch (i % 9) {
      case 0:
        out.push(`\x1b[1maws_db_instance.main[${i}]\x1b[0m: Refreshing state... [id=db-${i}]`);
        break;
      case 1:
        out.push(`      + password = "${PASSWORD}"`);
        break;
      case 2:
        out.push(`2026-12-07T19:00:${String(i % 60).padStart(2, '0')}.1234567Z GITHUB_TOKEN=${GH_TOKEN}`);
        break;
      case 3:
        out.push(`  ~ role_arn = "arn:aws:iam::123456789012:role/deploy-${i}" -> "arn:aws:iam::210987654321:role/x"`);
        break;
      case 4:
        out.push(`      + cidr_block = "10.${i % 250}.0.0/16"`);
        break;
      case 5:
        out.push(`Plan: ${i} to add, 0 to change, 0 to destroy. Résumé 東京 ✓`);
        break;
      default:
        out.push(`  # module.app.aws_s3_bucket.logs["b-${i}"] will be created`);
    }
  }
  return out.join('\n') + '\n';
}

describe('safeCut', () => {
  it('cuts after the last line end, and waits for a line that is not complete', () => {
    expect(safeCut('a\nb\nc')).toBe(4);
    expect(safeCut('partial line')).toBe(0);
    expect(safeCut('')).toBe(0);
  });

  it('holds a PEM block from its BEGIN line until its END line is there', () => {
    const head = 'log line\n' + PEM.split('\n').slice(0, 10).join('\n') + '\n';
    expect(safeCut(head)).toBe('log line\n'.length);
    expect(safeCut(PEM.split('\n').slice(0, 10).join('\n') + '\n')).toBe(0);
    const whole = 'log line\n' + PEM + '\nafter\n';
    expect(safeCut(whole)).toBe(whole.length);
    // the END line begun but not complete: still held
    expect(safeCut('x\n' + PEM.slice(0, -5))).toBe(2);
  });

  it('cuts an unterminated PEM block once it is longer than the hold cap', () => {
    const long = '-----BEGIN PRIVATE' + ' KEY-----\n' + `${'QUJD'.repeat(16)}\n`.repeat(5000);
    expect(long.length).toBeGreaterThan(256 * 1024);
    expect(safeCut(long)).toBe(long.length);
  });

  it('keeps a line ending in a JWT part with the next line', () => {
    expect(safeCut(`a\ntoken ${JWT_HEAD}\n`)).toBe(2);
    expect(safeCut(`a\ntoken ${JWT_HEAD}${JWT_REST.slice(0, 20)}\n`)).toBe(2);
    expect(safeCut(`a\ntoken ${JWT_HEAD}\n${JWT_REST}\n`)).toBe(`a\ntoken ${JWT_HEAD}\n${JWT_REST}\n`.length);
    // base64url runs that do not start a JWT do not hold
    expect(safeCut('a\nid xyzeyJabc\n')).toBe('a\nid xyzeyJabc\n'.length);
  });

  it('cuts a line longer than a piece at a whitespace near the end, never in an escape sequence or a surrogate pair', () => {
    const words = 'word '.repeat(300);
    const cut = safeCut(words, 1000);
    expect(cut).toBeLessThanOrEqual(1000);
    expect(words[cut - 1]).toBe(' ');
    const noSpace = 'x'.repeat(990) + '\x1b[31mredredred';
    expect(safeCut(noSpace, 1000)).toBe(990);
    const astral = 'y'.repeat(999) + '𝄞' + 'y'.repeat(10);
    expect(safeCut(astral, 1000)).toBe(999);
  });
});

describe('redactTransform', () => {
  it('gives what redactText gives on the whole text, for any chunk and piece size', async () => {
    const text = terraformLog(3000);
    const whole = redactText(text, { sensitive: ['db-42'] });
    expect(whole).not.toContain(PASSWORD);
    expect(whole).not.toContain(GH_TOKEN);
    for (const [chunk, piece] of [
      [1, 4096],
      [7, 1000],
      [65536, 4096],
      [1 << 20, PIECE_CHARS],
    ] as const) {
      expect(await streamed(text, chunk, { pieceChars: piece, sensitive: ['db-42'] })).toBe(whole);
    }
  });

  it('keeps a PEM block split over many pieces and chunks whole', async () => {
    const text = 'before\n' + `${'filler line\n'.repeat(30)}` + PEM + '\nafter 10.0.0.1\n';
    const out = await streamed(text, 5, { pieceChars: 200 });
    for (const line of PEM_BODY) expect(out).not.toContain(line);
    expect(out).toBe(redactText(text));
    expect(out).toContain('-----BEGIN RSA PRIVATE KEY-----');
  });

  it('keeps a JWT split over two lines together when the first line ends at a piece edge', async () => {
    const lead = 'x'.repeat(80) + '\n';
    const first = `Authorization: ${JWT_HEAD}\n`;
    const text = lead.repeat(3) + first + JWT_REST + '\n' + 'tail\n';
    // the first piece would end right after the JWT's first line
    const pieceChars = lead.length * 3 + first.length;
    const out = await streamed(text, 3, { pieceChars });
    expect(out).toBe(redactText(text));
    // the cut before the JWT's first line (what the stream did): see safeCut's test above
    expect(safeCut(text.slice(0, pieceChars), pieceChars)).toBe(lead.length * 3);
  });

  it('decodes multibyte characters split over chunk edges', async () => {
    const text = `naïve Résumé 東京 ✓ 𝄞 emoji 🙂 password = "${PASSWORD}"\n`.repeat(50);
    for (const chunk of [1, 2, 3, 5]) {
      const out = await streamed(text, chunk, { pieceChars: 97 });
      expect(out).not.toContain('\ufffd');
      expect(out).toBe(redactText(text));
    }
  });

  it('passes a 10 MB input without a line end, holding at most about two pieces', async () => {
    const unit = `some words ${PASSWORD} and token ${GH_TOKEN} more words `;
    const text = unit.repeat(Math.ceil((10 << 20) / unit.length));
    const stream = redactTransform({ sensitive: [PASSWORD] });
    let held = 0;
    let length = 0;
    const chunks = (function* () {
      for (let i = 0; i < text.length; i += 65536) {
        held = Math.max(held, stream.held);
        yield text.slice(i, i + 65536);
      }
    })();
    let sawSecret = false;
    await pipeline(
      Readable.from(chunks),
      stream,
      new Writable({
        write(chunk: Buffer, _e, cb) {
          const s = chunk.toString('utf8');
          if (s.includes(PASSWORD) || s.includes(GH_TOKEN)) sawSecret = true;
          length += s.length;
          cb();
        },
      }),
    );
    expect(sawSecret).toBe(false);
    expect(length).toBe(redactText(text, { sensitive: [PASSWORD] }).length);
    expect(held).toBeLessThanOrEqual(2 * PIECE_CHARS);
  });

  it('streams 200 MB holding no more than a few pieces at any time', async () => {
    const block = terraformLog(2000);
    const total = 200 << 20;
    const stream = redactTransform({ sensitive: [PASSWORD] });
    let held = 0;
    let fed = 0;
    const source = Readable.from(
      (function* () {
        while (fed < total) {
          held = Math.max(held, stream.held);
          fed += block.length;
          yield block;
        }
      })(),
    );
    let out = 0;
    await pipeline(
      source,
      stream,
      new Writable({
        write(chunk: Buffer, _e, cb) {
          out += chunk.length;
          cb();
        },
      }),
    );
    expect(fed).toBeGreaterThanOrEqual(total);
    expect(out).toBeGreaterThan(total / 2);
    expect(held).toBeLessThanOrEqual(3 * PIECE_CHARS);
  }, 120_000);
});

describe('in the worker pool', () => {
  const pool = new WorkerPool(2);
  afterAll(() => pool.destroy());
  const runTask: RedactStreamOptions['runTask'] = (file, task, transfer) => pool.run(file, task, transfer);

  it('redacts pieces in parallel and keeps their order', async () => {
    const text = terraformLog(20_000);
    const out = await streamed(text, 65536, { pieceChars: 64 * 1024, runTask, inFlight: 3 });
    expect(out).toBe(redactText(text));
  });

  it('bounds the pieces in flight', async () => {
    const text = terraformLog(5000);
    const out: string[] = [];
    const redactor = new PieceRedactor({ pieceChars: 8192, runTask, inFlight: 2 }, (t) => out.push(t));
    let held = 0;
    for (let i = 0; i < text.length; i += 4096) {
      redactor.push(text.slice(i, i + 4096));
      await redactor.ready();
      held = Math.max(held, redactor.held);
    }
    await redactor.end();
    expect(out.join('')).toBe(redactText(text));
    expect(held).toBeLessThanOrEqual(8192 * 2 + 8192 + 4096);
  });

  it('redacts inline when a task fails', async () => {
    const failing: RedactStreamOptions['runTask'] = () => Promise.reject(new Error('pool gone'));
    const text = terraformLog(500);
    expect(await streamed(text, 1000, { pieceChars: 4096, runTask: failing })).toBe(redactText(text));
  });
});

describe('redactChunks', () => {
  it('is the same as an async generator', async () => {
    const text = terraformLog(200);
    async function* source(): AsyncGenerator<Buffer> {
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += 33) yield bytes.subarray(i, i + 33);
    }
    let out = '';
    for await (const piece of redactChunks(source(), { pieceChars: 512 })) out += piece;
    expect(out).toBe(redactText(text));
    expect(out).toContain(`password = "${MASK}"`);
  });
});

describe('secrets in forms the rewritten redactor catches (fail until the lead merges it)', () => {
  it('masks a padded terraform key and a JWT split over two lines, also when streamed', async () => {
    const text = `      + password                 = "${PASSWORD}"\nAuthorization: ${JWT_HEAD}\n${JWT_REST}\n`;
    for (const out of [redactText(text), await streamed(text, 3, { pieceChars: 64 })]) {
      expect(out).not.toContain(PASSWORD);
      expect(out).not.toContain(JWT_REST.slice(1, 30));
    }
  });
});
