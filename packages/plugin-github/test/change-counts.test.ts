import type { ChangeCounts, DeploymentResult, DeploymentStatus } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { deploymentLine, type RedactedDeployment } from '../src/render.js';

function view(status: DeploymentStatus, changes: ChangeCounts): RedactedDeployment {
  const key = 's3/acme-dev/us-east-1/app/terraform.tfstate';
  const result: DeploymentResult = {
    key,
    file: 'deployments/app/app.tfvars',
    account: 'acme-dev',
    region: 'us-east-1',
    project: 'app',
    services: ['s3'],
    status,
    changes,
    findings: [],
    timings: [],
    durationMs: 1,
    logFile: '/dev/null',
    lane: 0,
    terraformMs: 1,
  };
  return { result, key, file: result.file, findings: [], plan: '' };
}

describe('PR comment line counts', () => {
  it('shows moves, imports and forgets beside +add ~change -destroy, and each forgotten resource', () => {
    const line = deploymentLine(
      view('applied', {
        add: 1,
        change: 0,
        destroy: 0,
        replace: 0,
        move: 2,
        import: 1,
        forget: 1,
        forgotten: ['terraform_data.keep_me'],
      }),
    );
    expect(line).toContain('**+1 ~0 -0** →2 moved +1 imported −1 forgotten');
    expect(line).toContain('forgotten (out of state, not destroyed): `terraform_data.keep_me`');
  });

  it('renders older counts as before', () => {
    const line = deploymentLine(view('planned', { add: 3, change: 0, destroy: 0, replace: 0 }));
    expect(line).toContain('**+3 ~0 -0** ·');
    expect(line).not.toMatch(/moved|imported|forget/);
  });
});

describe('PR comment findings', () => {
  it('marks a finding unknown until apply, and only that one', () => {
    const d = view('planned', { add: 1, change: 0, destroy: 0, replace: 0 });
    const finding = (ruleId: string, unknown: boolean) => ({
      finding: {
        ruleId,
        severity: 'medium' as const,
        level: 'warn' as const,
        title: 't',
        message: 'm',
        source: 'opa',
        unknown,
      },
      title: 't',
      message: `${ruleId} message`,
      resource: 'aws_sqs_queue.q',
    });
    d.findings = [finding('TFO-SQS-001', true), finding('TFO-SQS-002', false)];
    const line = deploymentLine(d);
    expect(line).toContain('`TFO-SQS-001` on `aws_sqs_queue.q` (unknown until apply): TFO-SQS-001 message');
    expect(line).toContain('`TFO-SQS-002` on `aws_sqs_queue.q`: TFO-SQS-002 message');
  });
});
