// Two parts of the policy input's shape (policies/README.md): each resource's `written` names, and
// input.plan without the parts whose resources are already in input.resources.
import type { PlanJson } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { normalisePlan } from '../src/normalize.js';

const change = (address: string, type: string, name: string, mode = 'managed', module_address?: string) => ({
  address,
  type,
  name,
  mode,
  ...(module_address ? { module_address } : {}),
  change: { actions: ['create'], before: null, after: {}, after_unknown: {}, after_sensitive: {} },
});

const plan = {
  format_version: '1.2',
  resource_changes: [
    change('aws_sqs_queue.q', 'aws_sqs_queue', 'q'),
    change('module.m["a"].aws_sqs_queue.q[0]', 'aws_sqs_queue', 'q', 'managed', 'module.m["a"]'),
    change('data.aws_iam_policy_document.d', 'aws_iam_policy_document', 'd', 'data'),
    change('aws_sns_topic.unconfigured', 'aws_sns_topic', 'unconfigured'),
  ],
  prior_state: { values: { root_module: {} } },
  planned_values: { root_module: {} },
  configuration: {
    root_module: {
      resources: [
        { address: 'aws_sqs_queue.q', mode: 'managed', expressions: { policy: {}, name: {}, kms_master_key_id: {} } },
        { address: 'data.aws_iam_policy_document.d', mode: 'data', expressions: { statement: [] } },
      ],
      module_calls: {
        m: {
          module: {
            resources: [{ address: 'aws_sqs_queue.q', mode: 'managed', expressions: { redrive_policy: {} } }],
          },
        },
      },
    },
  },
} as unknown as PlanJson;

describe('normalised input shape', () => {
  const input = normalisePlan(plan, 'x.tfvars');
  const written = Object.fromEntries(input.resources.map((r) => [r.address, r.written]));

  it('lists the names each managed resource configuration writes, sorted, through module instances', () => {
    expect(written['aws_sqs_queue.q']).toEqual(['kms_master_key_id', 'name', 'policy']);
    expect(written['module.m["a"].aws_sqs_queue.q[0]']).toEqual(['redrive_policy']);
  });

  it('lists nothing for a data source or a resource without a configuration block', () => {
    expect(written['data.aws_iam_policy_document.d']).toEqual([]);
    expect(written['aws_sns_topic.unconfigured']).toEqual([]);
  });

  it('keeps the plan without resource_changes, prior_state and planned_values', () => {
    expect(Object.keys(input.plan).sort()).toEqual(['configuration', 'format_version']);
    expect(input.resources).toHaveLength(4);
    expect(plan.resource_changes).toHaveLength(4);
  });
});
