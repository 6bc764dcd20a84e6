#!/usr/bin/env node
// Policy evaluation benchmarks (BENCHMARKS.md, issue 3):
//   - the whole first-party policy set on a plan of 1,000 resource changes in a warm worker (p50)
//   - the same plan through `opa eval` run as a process, as a ratio measured in this run
//   - throughput with 1 and 2 workers
//   - the real-module estate (tests/estate/plans, issue 10): plans per second with 2 workers
// Usage: node bench/policy.mjs   (after npm run build)
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine } from '@tfo/engine';
import { evaluatePlan, normalisePlan, opaBinary, resolvePolicy } from '@tfo/plugin-opa';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = await mkdtemp(path.join(tmpdir(), 'tfo-policy-bench-'));

/** A plan of `n` resource changes shaped like AWS provider 5 plans: buckets with their split resources, SGs, roles, queues. */
function syntheticPlan(n) {
  const rcs = [];
  const conf = [];
  const push = (type, name, key, after, unknown = {}) =>
    rcs.push({
      address: `${type}.${name}["${key}"]`,
      mode: 'managed',
      type,
      name,
      index: key,
      change: {
        actions: ['create'],
        before: null,
        after,
        after_unknown: { id: true, arn: true, ...unknown },
        before_sensitive: false,
        after_sensitive: {},
      },
    });
  const kinds = [
    'aws_s3_bucket',
    'aws_s3_bucket_versioning',
    'aws_s3_bucket_server_side_encryption_configuration',
    'aws_s3_bucket_public_access_block',
    'aws_security_group',
    'aws_iam_role',
    'aws_sqs_queue',
    'aws_kms_key',
  ];
  for (const t of kinds)
    conf.push({
      address: `${t}.this`,
      mode: 'managed',
      type: t,
      name: 'this',
      expressions: t.startsWith('aws_s3_bucket_')
        ? { bucket: { references: ['aws_s3_bucket.this.id', 'aws_s3_bucket.this'] } }
        : {},
    });
  for (let i = 0; rcs.length < n; i++) {
    const k = `k${i}`;
    push('aws_s3_bucket', 'this', k, {
      bucket: `bench-${i}`,
      force_destroy: false,
      tags: { Owner: 'o', Team: 't', Environment: 'dev', CostCenter: 'CC-0001' },
    });
    push(
      'aws_s3_bucket_versioning',
      'this',
      k,
      { versioning_configuration: [{ status: 'Enabled', mfa_delete: null }] },
      { bucket: true },
    );
    push(
      'aws_s3_bucket_server_side_encryption_configuration',
      'this',
      k,
      {
        rule: [
          {
            apply_server_side_encryption_by_default: [
              { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:us-east-1:111111111111:key/x' },
            ],
            bucket_key_enabled: true,
          },
        ],
      },
      { bucket: true },
    );
    push(
      'aws_s3_bucket_public_access_block',
      'this',
      k,
      {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: i % 10 !== 0,
      },
      { bucket: true },
    );
    push('aws_security_group', 'this', k, {
      name: `sg-${i}`,
      description: 'bench',
      ingress: [
        {
          from_port: 22,
          to_port: 22,
          protocol: 'tcp',
          cidr_blocks: [i % 7 === 0 ? '0.0.0.0/0' : '10.0.0.0/8'],
          ipv6_cidr_blocks: [],
          description: 'ssh',
          prefix_list_ids: [],
          security_groups: [],
          self: false,
        },
      ],
      egress: [],
    });
    push('aws_iam_role', 'this', k, {
      name: `role-${i}`,
      max_session_duration: 3600,
      assume_role_policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    push('aws_sqs_queue', 'this', k, {
      name: `q-${i}`,
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 345600,
    });
    push('aws_kms_key', 'this', k, {
      enable_key_rotation: i % 5 !== 0,
      deletion_window_in_days: 30,
      key_usage: 'ENCRYPT_DECRYPT',
      customer_master_key_spec: 'SYMMETRIC_DEFAULT',
      is_enabled: true,
      multi_region: false,
    });
  }
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    variables: {},
    resource_changes: rcs.slice(0, n),
    configuration: { root_module: { resources: conf } },
  };
}

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];
const plan = syntheticPlan(1000);
const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'd', id: '111111111111' } } });
const policy = await resolvePolicy([path.join(repo, 'packages/plugin-opa/policies')], path.join(work, 'cache'), repo);

async function engineWith(threads) {
  process.env.TFO_POOL_SIZE = String(threads);
  return new Engine(resolveSettings(config, work), []);
}

const out = [];
const line = (s) => {
  out.push(s);
  process.stdout.write(`${s}\n`);
};

// the default configuration (baseline profile: the rules it leaves out do not run, lib.on) and the
// strict profile (every rule runs); `opa eval` gets the same selection as data
for (const [label, select] of [
  ['baseline profile (the default)', { profile: 'baseline' }],
  ['strict profile (every rule)', { profile: 'strict' }],
]) {
  const engine = await engineWith(1);
  const options = { data: {}, maxMemoryMiB: 512, ...select };
  const first = await evaluatePlan(engine, policy, plan, 'bench.tfvars', options);
  const inWorker = [];
  const roundTrip = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    const r = await evaluatePlan(engine, policy, plan, 'bench.tfvars', options);
    roundTrip.push(performance.now() - t);
    inWorker.push(r.ms);
  }
  line(
    `policy, ${label}: whole first-party set on a plan of ${plan.resource_changes.length} resource changes, warm worker, 30 runs`,
  );
  line(`  findings: ${first.deny.length} deny, ${first.warn.length} warn`);
  line(
    `  evaluation in the worker: p50 ${percentile(inWorker, 0.5).toFixed(1)} ms, p90 ${percentile(inWorker, 0.9).toFixed(1)} ms (target p50 <= 30 ms)`,
  );
  line(`  round trip incl. normalising and moving the input: p50 ${percentile(roundTrip, 0.5).toFixed(1)} ms`);

  const inputFile = path.join(work, 'input.json');
  await writeFile(inputFile, JSON.stringify(normalisePlan(plan, 'bench.tfvars')));
  const selectFile = path.join(work, 'select.json');
  await writeFile(selectFile, JSON.stringify({ tfo_select: { ...select, rules: {} } }));
  const opa = opaBinary(repo);
  const proc = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await execa(opa, [
      'eval',
      '--format',
      'raw',
      '--ignore',
      '*_test.rego',
      '--ignore',
      'testdata',
      '-d',
      path.join(repo, 'packages/plugin-opa/policies'),
      '-d',
      selectFile,
      '-i',
      inputFile,
      'data.tfo.main.result',
    ]);
    proc.push(performance.now() - t);
  }
  const p50opa = percentile(proc, 0.5);
  line(
    `  \`opa eval\` as a process on the same input and selection: p50 ${p50opa.toFixed(0)} ms (5 runs); ratio ${(p50opa / percentile(roundTrip, 0.5)).toFixed(1)}x slower than the warm worker's round trip (target >= 15x)`,
  );
  await engine.close();
}

for (const threads of [1, 2]) {
  const engine = await engineWith(threads);
  await Promise.all(
    Array.from({ length: threads }, () =>
      evaluatePlan(engine, policy, plan, 'b', { data: {}, maxMemoryMiB: 512, profile: 'baseline' }),
    ),
  );
  const n = 40;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: n }, () =>
      evaluatePlan(engine, policy, plan, 'b', { data: {}, maxMemoryMiB: 512, profile: 'baseline' }),
    ),
  );
  const s = (performance.now() - t) / 1000;
  line(`  throughput (baseline), ${threads} worker(s): ${(n / s).toFixed(1)} plans/s (${n} plans of 1,000 changes)`);
  await engine.close();
}

{
  // the real-module estate: every committed plan of tests/estate/plans, through 2 workers
  const dir = path.join(repo, 'tests/estate/plans');
  const plans = await Promise.all(
    (await readdir(dir))
      .filter((f) => f.endsWith('.plan.json'))
      .sort()
      .map(async (f) => JSON.parse(await readFile(path.join(dir, f), 'utf8'))),
  );
  const changes = plans.reduce((n, p) => n + (p.resource_changes?.length ?? 0), 0);
  const engine = await engineWith(2);
  const all = () =>
    Promise.all(
      plans.map((p) => evaluatePlan(engine, policy, p, 'estate', { data: {}, maxMemoryMiB: 512, profile: 'baseline' })),
    );
  await all();
  const rounds = 10;
  const t = performance.now();
  for (let i = 0; i < rounds; i++) await all();
  const s = (performance.now() - t) / 1000;
  line(
    `  real-module estate (${plans.length} plans, ${changes} resource changes), 2 workers: ${((plans.length * rounds) / s).toFixed(1)} plans/s (${rounds} rounds)`,
  );
  await engine.close();
}
