import { describe, expect, it } from 'vitest';
import { slowRepo, slowTfvars, tfo } from './support.js';

const PLAN = ['plan', '--detailed-exitcode'];

describe('tfo plan --detailed-exitcode with real terraform', () => {
  it('exits 2 while changes are pending and 0 once applied; without the flag a plan exits 0', async () => {
    const dir = await slowRepo({ 'a/a.tfvars': slowTfvars({ one: {} }) });
    const pending = await tfo(PLAN, dir);
    expect(pending.exitCode, pending.all).toBe(2);
    // the summary line names the code tfo exits with
    expect(pending.stderr).toMatch(/: 1 planned in .*\(exit 2\)/);
    expect((await tfo(['plan'], dir)).exitCode).toBe(0);
    const apply = await tfo(['apply'], dir);
    expect(apply.exitCode, apply.all).toBe(0);
    const clean = await tfo(PLAN, dir);
    expect(clean.exitCode, clean.all).toBe(0);
  });

  it('keeps bad input at 3', async () => {
    const dir = await slowRepo({ 'a/a.tfvars': 'account_key = "nope"\nregion_code = "use1"\ns3_buckets = {}\n' });
    const out = await tfo(PLAN, dir);
    expect(out.exitCode, out.all).toBe(3);
  });

  it('is a plan option only', async () => {
    const dir = await slowRepo({ 'a/a.tfvars': slowTfvars({ one: {} }) });
    const out = await tfo(['apply', '--detailed-exitcode'], dir);
    expect(out.exitCode).toBe(3);
    expect(out.stderr).toContain("unknown option '--detailed-exitcode'");
  });
});
