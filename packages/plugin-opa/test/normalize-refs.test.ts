// The normaliser on real plans (terraform 1.11 + hashicorp/aws 5.100.0 against moto, see
// fixtures/normalize/README.md): split S3 resources joined to their bucket in the shapes real
// modules use, `set` paths, policy documents from aws_iam_policy_document data sources, types.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanJson } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { normalisePlan, policyDocument, type PolicyInput } from '../src/index.js';
import { documentFromStatements, KNOWN_AFTER_APPLY } from '../src/policy-doc-source.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/normalize');
const planOf = (name: string): PlanJson =>
  JSON.parse(readFileSync(path.join(FIXTURES, name, `${name}.plan.json`), 'utf8')) as PlanJson;
const load = (name: string): PolicyInput => normalisePlan(planOf(name), `${name}.tfvars`);

const byAddress = (input: PolicyInput) => new Map(input.resources.map((r) => [r.address, r]));
const joins = (input: PolicyInput): Record<string, string | null> =>
  Object.fromEntries(
    input.resources.filter((r) => r.type.startsWith('aws_s3_bucket_')).map((r) => [r.address, r.bucket]),
  );

describe('split S3 resources joined to their bucket', () => {
  it('in the root module: for_each over the bucket, count, the same keys, a count gate, one candidate, a name', () => {
    const input = load('iterate');
    expect(joins(input)).toEqual({
      'aws_s3_bucket_versioning.fe["norm-fe-data"]': 'aws_s3_bucket.fe["norm-fe-data"]',
      'aws_s3_bucket_versioning.fe["norm-fe-logs"]': 'aws_s3_bucket.fe["norm-fe-logs"]',
      'aws_s3_bucket_public_access_block.fe["norm-fe-data"]': 'aws_s3_bucket.fe["norm-fe-data"]',
      'aws_s3_bucket_public_access_block.fe["norm-fe-logs"]': 'aws_s3_bucket.fe["norm-fe-logs"]',
      'aws_s3_bucket_server_side_encryption_configuration.cnt[0]': 'aws_s3_bucket.cnt[0]',
      'aws_s3_bucket_server_side_encryption_configuration.cnt[1]': 'aws_s3_bucket.cnt[1]',
      'aws_s3_bucket_versioning.named["alpha"]': 'aws_s3_bucket.named["alpha"]',
      'aws_s3_bucket_versioning.named["beta"]': 'aws_s3_bucket.named["beta"]',
      'aws_s3_bucket_public_access_block.gate[0]': 'aws_s3_bucket.gate[0]',
      'aws_s3_bucket_versioning.one["x"]': 'aws_s3_bucket.one',
      'aws_s3_bucket_versioning.lit': 'aws_s3_bucket.lit',
    });
    const views = input.buckets;
    expect(views['aws_s3_bucket.fe["norm-fe-logs"]']!.versioning!.address).toBe(
      'aws_s3_bucket_versioning.fe["norm-fe-logs"]',
    );
    expect(views['aws_s3_bucket.cnt[1]']!.sse!.address).toBe(
      'aws_s3_bucket_server_side_encryption_configuration.cnt[1]',
    );
    expect(views['aws_s3_bucket.cnt[0]']!.versioning).toBeNull();
  });

  it('across modules: outputs, variables, module instances by key, for_each over a module', () => {
    expect(joins(load('modules'))).toEqual({
      'aws_s3_bucket_public_access_block.store': 'module.store.aws_s3_bucket.this[0]',
      'module.store.aws_s3_bucket_versioning.this[0]': 'module.store.aws_s3_bucket.this[0]',
      'module.store_settings.aws_s3_bucket_public_access_block.this': 'module.store.aws_s3_bucket.this[0]',
      'module.store_settings.aws_s3_bucket_server_side_encryption_configuration.this':
        'module.store.aws_s3_bucket.this[0]',
      'module.root_settings.aws_s3_bucket_public_access_block.this': 'aws_s3_bucket.root',
      'module.root_settings.aws_s3_bucket_server_side_encryption_configuration.this': 'aws_s3_bucket.root',
      'module.many["a"].aws_s3_bucket_versioning.this[0]': 'module.many["a"].aws_s3_bucket.this[0]',
      'module.many["b"].aws_s3_bucket_versioning.this[0]': 'module.many["b"].aws_s3_bucket.this[0]',
      'module.many_settings["a"].aws_s3_bucket_public_access_block.this': 'module.many["a"].aws_s3_bucket.this[0]',
      'module.many_settings["a"].aws_s3_bucket_server_side_encryption_configuration.this':
        'module.many["a"].aws_s3_bucket.this[0]',
      'module.many_settings["b"].aws_s3_bucket_public_access_block.this': 'module.many["b"].aws_s3_bucket.this[0]',
      'module.many_settings["b"].aws_s3_bucket_server_side_encryption_configuration.this':
        'module.many["b"].aws_s3_bucket.this[0]',
      'aws_s3_bucket_ownership_controls.many_b': 'module.many["b"].aws_s3_bucket.this[0]',
      'module.policy_bucket.aws_s3_bucket_policy.this': 'module.policy_bucket.aws_s3_bucket.this',
    });
  });
});

describe('set paths', () => {
  it('a key created in the same plan, directly or through module outputs and inputs, is set', () => {
    const r = byAddress(load('modules'));
    expect(r.get('aws_sns_topic.t')!.set).toEqual(['kms_master_key_id']);
    expect(r.get('module.queue.aws_sqs_queue.this')!.set).toEqual(['kms_master_key_id']);
    expect(r.get('module.store_settings.aws_s3_bucket_server_side_encryption_configuration.this')!.set).toEqual([
      'bucket',
      'rule',
      'rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id',
    ]);
    expect(r.get('aws_iam_role_policy.rw')!.set).toEqual(['policy', 'role']);
    const i = byAddress(load('iterate'));
    expect(i.get('aws_s3_bucket_server_side_encryption_configuration.cnt[1]')!.set).toEqual([
      'bucket',
      'rule',
      'rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id',
    ]);
    expect(i.get('aws_s3_bucket_versioning.named["alpha"]')!.set).toEqual(['bucket']);
  });

  it('not set: a local, a conditional that can pick a default, attributes nothing sets, null', () => {
    const r = byAddress(load('modules'));
    const topic = r.get('aws_sns_topic.via_local')!;
    expect(topic.unknown).toContain('kms_master_key_id');
    expect(topic.set).toEqual([]);
    // `var.kms_master_key_id != null ? null : var.sqs_managed_sse_enabled`: unknown, ends null
    const queue = r.get('module.queue.aws_sqs_queue.this')!;
    expect(queue.unknown).toContain('sqs_managed_sse_enabled');
    expect(queue.set).not.toContain('sqs_managed_sse_enabled');
    expect(queue.set).not.toContain('arn');
    const plain = r.get('module.queue_plain.aws_sqs_queue.this')!;
    expect(plain.unknown).not.toContain('kms_master_key_id');
    expect(plain.set).toEqual([]);
    // versioning_configuration.0.mfa_delete is unknown and not written: the block is not claimed set
    expect(r.get('module.store.aws_s3_bucket_versioning.this[0]')!.set).toEqual(['bucket']);
    for (const res of load('iterate').resources.filter((x) => x.type === 'aws_s3_bucket')) expect(res.set).toEqual([]);
  });
});

describe('policy documents from aws_iam_policy_document', () => {
  it('builds the document an unknown policy will hold, unknown values as "(known after apply)"', () => {
    const r = byAddress(load('modules'));
    const qp = r.get('module.queue.aws_sqs_queue_policy.this[0]')!;
    expect(qp.unknown).toContain('policy');
    expect(qp.docs_from).toEqual({ policy: 'module.queue.data.aws_iam_policy_document.this[0]' });
    expect(qp.docs.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'FromTopic',
          Effect: 'Allow',
          Action: ['sqs:SendMessage'],
          Resource: [KNOWN_AFTER_APPLY],
          Principal: { Service: ['sns.amazonaws.com'] },
          Condition: { ArnEquals: { 'aws:SourceArn': [KNOWN_AFTER_APPLY] } },
        },
      ],
    });
    const rw = r.get('aws_iam_role_policy.rw')!;
    expect(rw.docs_from).toEqual({ policy: 'data.aws_iam_policy_document.rw' });
    expect(rw.docs.policy!.Statement).toEqual([
      { Sid: 'ReadWrite', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [KNOWN_AFTER_APPLY] },
      { Effect: 'Deny', NotAction: ['s3:*'], Resource: ['*'] },
    ]);
  });

  it('merges source_policy_documents: gated documents that exist and a policy passed as a string', () => {
    const policy = byAddress(load('modules')).get('module.policy_bucket.aws_s3_bucket_policy.this')!;
    expect(policy.docs_from).toEqual({ policy: 'module.policy_bucket.data.aws_iam_policy_document.combined' });
    expect(policy.set).toEqual(['bucket', 'policy']);
    expect(policy.docs.policy!.Statement).toEqual([
      {
        Sid: 'denyInsecureTransport',
        Effect: 'Deny',
        Action: ['s3:*'],
        Resource: [KNOWN_AFTER_APPLY, KNOWN_AFTER_APPLY],
        Principal: '*',
        Condition: { Bool: { 'aws:SecureTransport': ['false'] } },
      },
      {
        Sid: 'ReadOnly',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111111111111:root'] },
        Action: ['s3:GetObject'],
        Resource: ['*'],
      },
    ]);
  });

  it('keeps documents known at plan time as parsed, with docs_from empty', () => {
    const r = byAddress(load('modules'));
    const known = r.get('aws_sqs_queue_policy.known')!;
    expect(known.docs_from).toEqual({});
    expect(known.docs.policy!.Statement[0]!.Principal).toBe('*');
    expect(r.get('aws_iam_role.r')!.docs_from).toEqual({});
    expect(r.get('aws_iam_role.r')!.docs.assume_role_policy!.Statement[0]!.Principal).toEqual({
      Service: ['ec2.amazonaws.com'],
    });
    expect(r.get('module.queue.data.aws_iam_policy_document.this[0]')!.docs).toEqual({});
    for (const res of load('iterate').resources) expect(res.docs_from).toEqual({});
  });

  it('renders statements as the provider does (checked against the json it rendered at plan time)', () => {
    const plan = planOf('modules') as PlanJson & {
      prior_state: {
        values: { root_module: { resources: Array<{ address: string; values: Record<string, unknown> }> } };
      };
    };
    const known = plan.prior_state.values.root_module.resources.find(
      (x) => x.address === 'data.aws_iam_policy_document.known',
    )!;
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sorted(x)]))
          : v;
    // conditions: the provider writes one value as a string; the built document always lists
    const listed = (doc: unknown) =>
      JSON.parse(JSON.stringify(doc), (k, v: unknown) =>
        k === 'Condition' && v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v).map(([t, vars]) => [
                t,
                Object.fromEntries(Object.entries(vars as object).map(([n, x]) => [n, [x].flat()])),
              ]),
            )
          : v,
      ) as unknown;
    const built = documentFromStatements(known.values, {});
    const rendered = policyDocument(known.values.json);
    expect(rendered).toBeDefined();
    expect(sorted(built)).toEqual(sorted(listed(rendered)));
    expect(built!.Statement.map((s) => s.Principal ?? s.NotPrincipal)).toEqual([
      '*',
      { AWS: ['*'] },
      { AWS: ['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root'] },
    ]);
  });

  it('builds nothing when the statements are unknown or other documents are merged in', () => {
    const after = { statement: [{ actions: ['s3:*'], resources: ['*'] }], source_policy_documents: ['{}'] };
    expect(documentFromStatements(after, {})).toBeUndefined();
    expect(documentFromStatements({ statement: null }, { statement: true })).toBeUndefined();
    expect(
      documentFromStatements(
        { statement: [{ actions: ['s3:*'], principals: [{ type: null }] }] },
        {
          statement: [{ principals: [{ type: true }] }],
        },
      )!.Statement[0]!.Principal,
    ).toBe(KNOWN_AFTER_APPLY);
  });
});

describe('input.types', () => {
  it('maps every type to the indexes of its resources', () => {
    for (const name of ['iterate', 'modules']) {
      const input = load(name);
      const expected: Record<string, number[]> = {};
      input.resources.forEach((r, i) => (expected[r.type] ??= []).push(i));
      expect(input.types).toEqual(expected);
      expect(Object.values(input.types).flat().length).toBe(input.resources.length);
    }
    const input = load('modules');
    expect(input.types.aws_sqs_queue!.map((i) => input.resources[i]!.address)).toEqual([
      'module.queue.aws_sqs_queue.this',
      'module.queue_plain.aws_sqs_queue.this',
    ]);
    expect(input.types.aws_iam_policy_document!.map((i) => input.resources[i]!.address).sort()).toEqual([
      'data.aws_iam_policy_document.rw',
      'module.policy_bucket.data.aws_iam_policy_document.combined',
      'module.policy_bucket.data.aws_iam_policy_document.deny_insecure_transport[0]',
      'module.queue.data.aws_iam_policy_document.this[0]',
    ]);
  });
});
