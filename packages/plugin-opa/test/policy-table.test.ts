// The README table of rules per service and profile (scripts/policy-table.mjs): rows per service in
// name order, baseline and strict-only rules as short number lists, CIS controls per rule.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { table, type RuleMeta } from '../../../scripts/lib/policy-table.mjs';
import { FIRST_PARTY_BUNDLE } from '../src/index.js';

const README = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../policies/README.md');

describe('policy table', () => {
  it('groups rules by service and profile, with ranges and CIS controls', () => {
    const text = table({
      'TFO-VPC-002': { profile: 'baseline', cis: '5.3' },
      'TFO-VPC-001': { profile: 'baseline', cis: '5.2' },
      'TFO-VPC-003': { profile: 'baseline', cis: null },
      'TFO-VPC-004': { profile: 'strict', cis: null },
      'TFO-SSM-001': { cis: null },
      'TFO-SSM-003': { profile: 'strict', cis: null },
    });
    const rows = text.split('\n');
    expect(rows).toHaveLength(5);
    expect(rows[2]).toBe('| ssm | 2 | 1: 001 | 1: 003 | – |');
    expect(rows[3]).toBe('| vpc | 4 | 3: 001–003 | 1: 004 | 001: 5.2, 002: 5.3 |');
    expect(rows[4]).toBe('| **all** | 6 | 4 | 2 | |');
  });

  it('is the same whatever the order of the metadata', () => {
    const a = { 'TFO-A-001': { profile: 'strict' as const }, 'TFO-B-002': { cis: '1.1' }, 'TFO-B-001': {} };
    const b = { 'TFO-B-001': {}, 'TFO-B-002': { cis: '1.1' }, 'TFO-A-001': { profile: 'strict' as const } };
    expect(table(a)).toBe(table(b));
    expect(table(a)).toContain('| b | 2 | 2: 001, 002 | 0: – | 002: 1.1 |');
  });

  it('in policies/README.md is the table of the rules of the committed bundle (npm run policy:table rewrites it)', async () => {
    const policy = await loadPolicy(await readFile(FIRST_PARTY_BUNDLE));
    const out = policy.evaluate({}, 'tfo/main/metadata') as Array<{ result: Record<string, RuleMeta> }>;
    const result = out[0]?.result ?? {};
    const readme = await readFile(README, 'utf8');
    const section = readme.slice(
      readme.indexOf('<!-- rules-table:start -->') + '<!-- rules-table:start -->'.length,
      readme.indexOf('<!-- rules-table:end -->'),
    );
    const format = (md: string) => prettier.format(md, { parser: 'markdown', printWidth: 120 });
    expect(await format(section)).toBe(await format(table(result)));
  });
});
