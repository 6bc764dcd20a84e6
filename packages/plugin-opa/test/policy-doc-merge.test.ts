// Merging `source_policy_documents` whose list is unknown until apply: the list's expression is
// followed to the policy documents it names. A document indexed like its owner
// (`data.x.part[count.index].json`, which the plan JSON lists as `data.x.part` + `count.index`,
// without the attribute) is taken as that document's JSON, as the attribute of a resource is.
import type { PlanJson } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { normalisePlan } from '../src/index.js';

const refs = (...r: string[]) => ({ references: r });
const DENY_TLS = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
};

const plan = (sourceRefs: string[]): PlanJson =>
  ({
    format_version: '1.2',
    configuration: {
      root_module: {
        resources: [
          {
            address: 'data.aws_iam_policy_document.part',
            mode: 'data',
            count_expression: refs('var.n'),
            expressions: {},
          },
          {
            address: 'data.aws_iam_policy_document.combined',
            mode: 'data',
            count_expression: refs('var.n'),
            expressions: { source_policy_documents: refs(...sourceRefs) },
          },
          {
            address: 'aws_s3_bucket_policy.this',
            mode: 'managed',
            count_expression: refs('var.n'),
            expressions: { policy: refs('data.aws_iam_policy_document.combined', 'count.index') },
          },
        ],
      },
    },
    prior_state: {
      values: {
        root_module: {
          resources: [
            {
              address: 'data.aws_iam_policy_document.part[0]',
              mode: 'data',
              type: 'aws_iam_policy_document',
              index: 0,
              values: { json: JSON.stringify(DENY_TLS) },
            },
          ],
        },
      },
    },
    resource_changes: [
      {
        address: 'data.aws_iam_policy_document.combined[0]',
        mode: 'data',
        type: 'aws_iam_policy_document',
        name: 'combined',
        index: 0,
        change: {
          actions: ['read'],
          before: null,
          after: { statement: [] },
          after_unknown: { id: true, json: true, minified_json: true, source_policy_documents: true },
        },
      },
      {
        address: 'aws_s3_bucket_policy.this[0]',
        mode: 'managed',
        type: 'aws_s3_bucket_policy',
        name: 'this',
        index: 0,
        change: {
          actions: ['create'],
          before: null,
          after: { bucket: 'b' },
          after_unknown: { id: true, policy: true },
        },
      },
    ],
  }) as unknown as PlanJson;

const policyOf = (p: PlanJson) =>
  normalisePlan(p, 'x.tfvars').resources.find((r) => r.type === 'aws_s3_bucket_policy')!;

describe('source_policy_documents unknown until apply', () => {
  it('merges a document indexed by count.index (no attribute in the reference)', () => {
    const r = policyOf(plan(['data.aws_iam_policy_document.part', 'count.index']));
    expect(r.docs_from).toEqual({ policy: 'data.aws_iam_policy_document.combined[0]' });
    expect(r.docs.policy?.Statement.map((s) => s.Sid)).toEqual(['DenyInsecureTransport']);
  });

  it('merges a document named with its json attribute', () => {
    const r = policyOf(plan(['data.aws_iam_policy_document.part[0].json', 'data.aws_iam_policy_document.part[0]']));
    expect(r.docs.policy?.Statement.map((s) => s.Sid)).toEqual(['DenyInsecureTransport']);
  });

  it('builds nothing when the list names another attribute of a document (not its JSON)', () => {
    const r = policyOf(plan(['data.aws_iam_policy_document.part[0].id', 'data.aws_iam_policy_document.part[0]']));
    expect(r.docs).toEqual({});
    expect(r.docs_from).toEqual({});
  });
});
