// The first-party policies: their unit tests (`opa test` over normalised real-plan fixtures) pass
// with coverage of at least 90%, and the committed compiled bundle matches their sources.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICES } from './services.js';
import {
  fileSha256,
  FIRST_PARTY_BUNDLE,
  FIRST_PARTY_MANIFEST,
  FIRST_PARTY_POLICIES,
  regoSources,
  runPolicyTests,
  sourceHash,
} from '../src/index.js';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const POLICIES = path.join(REPO, 'packages/plugin-opa/policies');

describe('first-party policies', () => {
  it('pass opa test with at least 90% coverage', async () => {
    const result = await runPolicyTests({ dirs: [POLICIES], coverage: true, threshold: 90, cwd: REPO });
    expect(result.output).toMatch(/PASS: \d+\/\d+/);
    expect(result.exitCode, result.output).toBe(0);
    expect(result.coverage!.percent).toBeGreaterThanOrEqual(90);
    expect(result.fixtures).toBeGreaterThanOrEqual(SERVICES.length * 2);
  }, 300_000);

  it('have at least 120 rules, 5 per service, each with complete metadata', async () => {
    let total = 0;
    for (const file of await regoSources([POLICIES])) {
      const svc = path.basename(path.dirname(file));
      const text = await readFile(file, 'utf8');
      const ids = [...new Set([...text.matchAll(/"(TFO-[A-Z0-9]+-\d{3})":\s*\{/g)].map((m) => m[1]!))];
      if (SERVICES.includes(svc)) expect(ids.length, svc).toBeGreaterThanOrEqual(5);
      for (const id of ids) {
        const block = text.slice(text.indexOf(`"${id}"`), text.indexOf(`"${id}"`) + 1500);
        expect(block, id).toMatch(/"title":\s*"/);
        expect(block, id).toMatch(/"severity":\s*"(critical|high|medium|low)"/);
        expect(block, id).toMatch(/"remediation":\s*"/);
      }
      total += ids.length;
    }
    expect(total).toBeGreaterThanOrEqual(120);
  });

  it('are compiled in the committed bundle (run `npm run policy:bundle` after changing them)', async () => {
    const manifest = JSON.parse(await readFile(FIRST_PARTY_MANIFEST, 'utf8')) as { hash: string; wasm: string };
    expect(manifest.hash).toBe(await sourceHash([POLICIES]));
    expect(manifest.wasm).toBe(await fileSha256(FIRST_PARTY_BUNDLE));
    // the shipped sources are the ones the plugin resolves for the first-party set
    expect(FIRST_PARTY_POLICIES).toBe(POLICIES);
  });
});
