import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { redactText } from '../src/redaction/redact.js';
import { redactChunks } from '../src/redaction/redact-stream.js';

// The redaction corpus from real runs (tests/redact-corpus/*.json, written by
// `npm run redact:corpus`; see its README.md): terraform against moto with colour on and off, the
// -json UI, TF_LOG=DEBUG and TRACE, state and outputs, the AWS CLI's STS shapes, CI log shapes.
// Every must-go string must be gone from the redacted text as written, every must-stay string kept.

const CORPUS = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../tests/redact-corpus');

interface Case {
  name: string;
  source: string;
  input: string;
  sensitive: string[];
  mustGo: string[];
  mustStay: string[];
}

interface Loaded extends Case {
  file: string;
}

function load(): Loaded[] {
  const out: Loaded[] = [];
  for (const file of readdirSync(CORPUS)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const cases = JSON.parse(readFileSync(path.join(CORPUS, file), 'utf8')) as Case[];
    for (const c of cases) out.push({ ...c, file });
  }
  return out;
}

const cases = load();
const tally = { go: 0, gone: 0, stay: 0, kept: 0 };
const failing: string[] = [];

afterAll(() => {
  const pct = (a: number, b: number): string => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(2)}%`);
  console.log(
    `redact-real-corpus: ${cases.length} cases; removed ${tally.gone}/${tally.go} must-go (${pct(tally.gone, tally.go)}), ` +
      `kept ${tally.kept}/${tally.stay} must-stay (${pct(tally.kept, tally.stay)})` +
      (failing.length ? `\nfailing cases (${failing.length}):\n  ${failing.join('\n  ')}` : ''),
  );
});

describe('redaction corpus from real runs', () => {
  it('is there: at least 150 well-formed cases, each naming only strings its input holds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const names = new Set<string>();
    for (const c of cases) {
      const id = `${c.file}: ${c.name}`;
      expect(names.has(id), `duplicate case ${id}`).toBe(false);
      names.add(id);
      expect(typeof c.input, id).toBe('string');
      expect(c.source, id).toBeTruthy();
      expect(c.mustGo.length + c.mustStay.length, id).toBeGreaterThan(0);
      const plain = stripVTControlCharacters(c.input);
      for (const s of c.mustGo) expect(c.input.includes(s) || plain.includes(s), `${id}: must-go ${s}`).toBe(true);
      for (const s of c.mustStay) expect(plain.includes(s), `${id}: must-stay ${s}`).toBe(true);
    }
  });

  it.each(cases.map((c) => [`${c.file}: ${c.name}`, c] as const))('%s', (_id, c) => {
    const out = redactText(c.input, { sensitive: c.sensitive });
    const leaked = c.mustGo.filter((s) => out.includes(s));
    const lost = c.mustStay.filter((s) => !out.includes(s));
    tally.go += c.mustGo.length;
    tally.gone += c.mustGo.length - leaked.length;
    tally.stay += c.mustStay.length;
    tally.kept += c.mustStay.length - lost.length;
    if (leaked.length || lost.length) {
      failing.push(
        `${c.file}: ${c.name}` +
          (leaked.length ? ` | leaked: ${leaked.map((s) => JSON.stringify(s)).join(', ')}` : '') +
          (lost.length ? ` | lost: ${lost.map((s) => JSON.stringify(s)).join(', ')}` : ''),
      );
    }
    expect({ leaked, lost }).toEqual({ leaked: [], lost: [] });
  });

  // `tfo redact` and terraform.log see the text as a stream: the whole corpus, one case after
  // another, in pieces of a few KB cut where the stream cuts them, arriving in chunks of 1,000
  // characters (so PEM blocks, JWTs over two lines, chpasswd blocks and state outputs meet piece
  // edges). Nothing that must go may survive.
  it.each([2048, 8192])('leaves nothing when the corpus is streamed in pieces of %i characters', async (pieceChars) => {
    const text = cases.map((c) => c.input).join('\n');
    async function* chunks(): AsyncGenerator<string> {
      for (let i = 0; i < text.length; i += 1000) yield text.slice(i, i + 1000);
    }
    const sensitive = cases.flatMap((c) => c.sensitive);
    let out = '';
    for await (const piece of redactChunks(chunks(), { sensitive, pieceChars })) out += piece;
    const leaked = cases.flatMap((c) =>
      c.mustGo.filter((s) => out.includes(s)).map((s) => `${c.file}: ${c.name}: ${s}`),
    );
    expect(leaked).toEqual([]);
  });
});
