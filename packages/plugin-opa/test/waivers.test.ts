import { TfoError, type Finding } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { applyWaivers, checkWaivers, opa, waiverSchema, type Waiver } from '../src/index.js';

const finding = (ruleId: string, resource: string, file = 'deployments/a/a.tfvars'): Finding => ({
  ruleId,
  resource,
  file,
  severity: 'high',
  level: 'deny',
  title: 't',
  message: 'm',
  source: 'opa',
});

const waiver = (over: Partial<Waiver> = {}): Waiver => ({
  rule: 'TFO-S3-012',
  resource: 'aws_s3_bucket.logs',
  reason: 'the log bucket cannot log to itself',
  expires: '2999-12-31',
  approver: 'secops@acme.example',
  ...over,
});

describe('waivers', () => {
  it('mark the findings they cover as waived, keeping them, and leave others alone', () => {
    const out = applyWaivers(
      [
        finding('TFO-S3-012', 'aws_s3_bucket.logs'),
        finding('TFO-S3-012', 'aws_s3_bucket.data'),
        finding('TFO-S3-001', 'aws_s3_bucket.logs'),
      ],
      [waiver()],
    );
    expect(out.map((f) => Boolean(f.waived))).toEqual([true, false, false]);
    expect(out[0]!.waived).toEqual({
      reason: 'the log bucket cannot log to itself',
      approver: 'secops@acme.example',
      expires: '2999-12-31',
    });
  });

  it('match resource globs (modules, for_each keys) and an optional tfvars file glob', () => {
    const w = waiver({ resource: 'module.site.aws_s3_bucket.*', file: 'deployments/prod/**' });
    const out = applyWaivers(
      [
        finding('TFO-S3-012', 'module.site.aws_s3_bucket.this["a"]', 'deployments/prod/x/x.tfvars'),
        finding('TFO-S3-012', 'module.site.aws_s3_bucket.this["a"]', 'deployments/dev/x/x.tfvars'),
      ],
      [w],
    );
    expect(out.map((f) => Boolean(f.waived))).toEqual([true, false]);
  });

  it('an expired waiver stops the run, naming rule, resource and date', () => {
    expect(() => checkWaivers([waiver({ expires: '2020-01-01' })], new Date('2026-11-27'))).toThrow(
      /TFO-S3-012 on aws_s3_bucket\.logs expired 2020-01-01/,
    );
    expect(() => checkWaivers([waiver({ expires: '2026-11-27' })], new Date('2026-11-27T23:00:00Z'))).not.toThrow();
  });

  it('a waiver without a reason, expiry or approver is refused in the plugin options', () => {
    expect(waiverSchema.safeParse({ ...waiver(), reason: '' }).success).toBe(false);
    expect(waiverSchema.safeParse({ ...waiver(), expires: 'soon' }).success).toBe(false);
    const { approver: _a, ...noApprover } = waiver();
    expect(waiverSchema.safeParse(noApprover).success).toBe(false);
    const err = (() => {
      try {
        opa({ policies: ['p'], waivers: [{ ...waiver(), reason: 'x' }] });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as TfoError;
    expect(err.code).toBe('TFO_ERR_CONFIG_INVALID');
    expect(err.message).toMatch(/waivers\.0\.reason/);
  });
});
