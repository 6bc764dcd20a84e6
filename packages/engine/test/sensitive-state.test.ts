import { describe, expect, it } from 'vitest';
import { sensitiveOfState } from '../src/redaction/sensitive-state.js';

const PW = 'state-' + 'pw-' + 'Lk3Jh5';
const OUT = 'state-' + 'out-' + 'Qw8Er2';
const CHILD = 'child-' + 'pw-' + 'Zx6Cv4';

describe('sensitiveOfState', () => {
  it('reads a state file: sensitive outputs and the sensitive_attributes paths (as terraform 1.11 writes them)', () => {
    const state = {
      version: 4,
      outputs: { secret: { value: OUT, type: 'string', sensitive: true }, name: { value: 'orders', type: 'string' } },
      resources: [
        {
          mode: 'managed',
          type: 'terraform_data',
          name: 'x',
          instances: [
            {
              attributes: { input: { user: 'app', pw: PW, list: [`${PW}-0`, 'not-this'] }, id: 'abc' },
              sensitive_attributes: [
                [
                  { type: 'get_attr', value: 'input' },
                  { type: 'get_attr', value: 'list' },
                  { type: 'index', value: { value: 0, type: 'number' } },
                ],
                [
                  { type: 'get_attr', value: 'input' },
                  { type: 'get_attr', value: 'pw' },
                ],
                [{ type: 'get_attr', value: 'missing' }],
              ],
            },
          ],
        },
      ],
    };
    const into = new Set<string>();
    sensitiveOfState(state, into);
    expect([...into].sort()).toEqual([OUT, PW, `${PW}-0`].sort());
  });

  it('reads `terraform show -json` of a state: outputs and sensitive_values of root and child modules', () => {
    const shown = {
      format_version: '1.0',
      values: {
        outputs: {
          secret: { sensitive: true, value: { a: OUT, n: 1234567 } },
          plain: { sensitive: false, value: 'x' },
        },
        root_module: {
          resources: [
            {
              address: 'terraform_data.x',
              values: { input: { pw: PW, user: 'app' } },
              sensitive_values: { input: { pw: true } },
            },
          ],
          child_modules: [
            {
              resources: [
                { values: { password: CHILD, name: 'db' }, sensitive_values: { password: true, name: false } },
              ],
            },
          ],
        },
      },
    };
    const into = new Set<string>();
    sensitiveOfState(shown, into);
    expect([...into].sort()).toEqual([OUT, '1234567', PW, CHILD].sort());
  });

  it('ignores what is not a state', () => {
    const into = new Set<string>();
    for (const v of [null, 1, 'x', [], { outputs: 'x', resources: {} }, { values: { root_module: [] } }])
      sensitiveOfState(v, into);
    expect(into.size).toBe(0);
  });
});
