// The audit records the engine builds carry what failed the deployment and the plan's digest, so
// audit plugins need nothing from the deployment context beyond the record.
import { describe, expect, it } from 'vitest';
import { auditRecords } from '../src/run/audit-records.js';
import { canonicalJson, planDigest } from '../src/run/canonical-json.js';
import type { DeploymentContext, PlanJson } from '../src/model.js';

const PLAN: PlanJson = {
  format_version: '1.2',
  resource_changes: [
    {
      address: 'aws_s3_bucket.b',
      type: 'aws_s3_bucket',
      change: { actions: ['create'], after: { tags: { '10': 'x', '9': 'y', Name: 'é' } } },
    },
  ],
  variables: { z: { value: null }, a: { value: [1, 2.5, -0, '\u2028'] } },
};

/** A deployment context as the pipeline leaves it when it settles. */
function context(over: Partial<DeploymentContext> = {}): DeploymentContext {
  return {
    deployment: {
      key: 's3/acme-dev/us-east-1/api/terraform.tfstate',
      file: 'deployments/api/api.tfvars',
      account: { key: 'dev', name: 'acme-dev', id: '111111111111' },
      region: 'us-east-1',
      project: 'api',
      services: ['s3'],
      sha256: 'a'.repeat(64),
    },
    run: { id: 'run-1', mode: 'apply' },
    status: 'failed',
    findings: [],
    timings: [{ stage: 'apply', startedAt: 1, endedAt: 2, ok: false }],
    ...over,
  } as unknown as DeploymentContext;
}

describe('auditRecords', () => {
  it('every record of the deployment carries its error and the digest of its plan', () => {
    const error = {
      stage: 'apply' as const,
      message: 'terraform apply exited 1',
      code: 'TFO_ERR_TERRAFORM',
      plugin: 'engine',
    };
    const ctx = context({
      plan: {
        planFile: '/tmp/x.tfplan',
        json: PLAN,
        changes: { add: 1, change: 0, destroy: 0, replace: 0 },
        hasChanges: true,
      },
      error,
      verify: { ok: false, detail: 'drift' },
      findings: [
        {
          ruleId: 'R',
          severity: 'low',
          level: 'deny',
          title: 't',
          message: 'm',
          source: 'opa',
          waived: { reason: 'r', expires: '2999-01-01' },
        },
      ],
    });
    const records = auditRecords(ctx, 'output');
    expect(records.map((r) => r.action)).toEqual(['apply', 'waiver-used', 'drift']);
    for (const r of records) {
      expect(r.error).toEqual(error);
      expect(r.planSha256).toBe(planDigest(PLAN));
    }
    // a copy: a later change to the context does not rewrite a record already handed out
    error.message = 'changed';
    expect(records[0]!.error?.message).toBe('terraform apply exited 1');
  });

  it('a deployment that failed before planning has its error and no plan digest', () => {
    const [record] = auditRecords(context({ error: { stage: 'init', message: 'no backend' }, status: 'failed' }), '');
    expect(record!.error).toEqual({ stage: 'init', message: 'no backend' });
    expect(record!.planSha256).toBeUndefined();
  });

  it('a deployment that went well has no error', () => {
    const [record] = auditRecords(
      context({
        status: 'applied',
        plan: { planFile: 'p', json: PLAN, changes: { add: 0, change: 0, destroy: 0, replace: 0 }, hasChanges: false },
      }),
      '',
    );
    expect(record!.error).toBeUndefined();
    expect(record!.planSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('planDigest', () => {
  it('is the SHA-256 of the canonical JSON, the same bytes the audit trail has always hashed', () => {
    expect(canonicalJson(PLAN)).toBe(
      '{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket.b","change":{"actions":["create"],"after":{"tags":{"10":"x","9":"y","Name":"é"}}},"type":"aws_s3_bucket"}],"variables":{"a":{"value":[1,2.5,0,"\u2028"]},"z":{"value":null}}}',
    );
    // pinned: a change of canonical form would make stored digests and record hashes unverifiable
    const { type: _type, ...change } = PLAN.resource_changes![0]!;
    expect(planDigest({ ...PLAN, resource_changes: [change, { address: 'a', change: { actions: ['no-op'] } }] })).toBe(
      '21037ca11a27d01ece83e6882aaed0d44236c48013c874f5836d962b38ca602d',
    );
  });

  it('does not depend on key order, and tells different plans apart', () => {
    const reordered = JSON.parse(
      JSON.stringify({ variables: PLAN.variables, resource_changes: PLAN.resource_changes, format_version: '1.2' }),
    );
    expect(planDigest(reordered)).toBe(planDigest(PLAN));
    expect(planDigest({ ...PLAN, format_version: '1.3' })).not.toBe(planDigest(PLAN));
  });
});
