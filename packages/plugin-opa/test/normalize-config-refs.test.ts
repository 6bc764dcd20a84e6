// The configuration reference resolver on shapes terraform would refuse or that real plans rarely
// show: cycles through module inputs and outputs, locals, missing outputs, literal module keys.
import type { PlanJson } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { ConfigRefs, parseRef } from '../src/config-refs.js';

const refs = (...r: string[]) => ({ references: r });

/** A root module calling module `a`, whose input `x` comes from its own output `out` (a cycle). */
const plan = {
  format_version: '1.2',
  configuration: {
    root_module: {
      resources: [
        { address: 'aws_sns_topic.cycle', expressions: { kms_master_key_id: refs('module.a.out', 'module.a') } },
        { address: 'aws_sns_topic.local', expressions: { kms_master_key_id: refs('local.key') } },
        { address: 'aws_sns_topic.missing', expressions: { kms_master_key_id: refs('module.a.nope', 'module.a') } },
        {
          address: 'aws_sns_topic.keyed',
          expressions: { kms_master_key_id: refs('module.b["x"].arn', 'module.b["x"]', 'module.b') },
        },
      ],
      module_calls: {
        a: {
          expressions: { x: refs('module.a.out', 'module.a') },
          module: { outputs: { out: { expression: refs('var.x') } } },
        },
        b: {
          for_each_expression: refs('var.names'),
          module: {
            resources: [{ address: 'aws_kms_key.this', expressions: {} }],
            outputs: { arn: { expression: refs('aws_kms_key.this.arn', 'aws_kms_key.this') } },
          },
        },
      },
    },
  },
} as unknown as PlanJson;

describe('configuration references', () => {
  const config = new ConfigRefs(plan);
  const resolve = (address: string) => {
    const block = config.resources.get(address)!;
    return config.resolveExpression(block, block.expressions.kms_master_key_id as { references: string[] });
  };

  it('parses names and literal keys', () => {
    expect(parseRef('module.a["k"].aws_s3_bucket.this[0].id')).toEqual([
      { name: 'module' },
      { name: 'a' },
      { key: 'k' },
      { name: 'aws_s3_bucket' },
      { name: 'this' },
      { key: 0 },
      { name: 'id' },
    ]);
  });

  it('stops at a cycle through module inputs and outputs', () => {
    expect(resolve('aws_sns_topic.cycle').every((l) => l.kind === 'opaque')).toBe(true);
  });

  it('does not see through locals or outputs that do not exist', () => {
    expect(resolve('aws_sns_topic.local')).toEqual([{ kind: 'opaque', ref: 'local.key' }]);
    expect(resolve('aws_sns_topic.missing')).toEqual([{ kind: 'opaque', ref: 'module.a.nope' }]);
  });

  it('follows an output of one module instance by its key', () => {
    expect(resolve('aws_sns_topic.keyed')).toEqual([
      {
        kind: 'resource',
        mode: 'managed',
        address: 'module.b.aws_kms_key.this',
        module: 'module.b',
        index: { kind: 'none' },
        attr: ['arn'],
        modules: [{ path: 'module.b', key: { kind: 'literal', value: 'x' } }],
      },
    ]);
  });
});
