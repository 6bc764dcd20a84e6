import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redactText, type ChangeCounts, type DeploymentStatus, type RunResult } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../packages/plugin-report/src/html.js';
import { prepareReport } from '../../packages/plugin-report/src/prepare.js';
import { fixtureRun, SECRETS, withView } from '../../packages/plugin-report/test/report-fixture.js';
import { renderSummary } from '../../packages/cli/src/render/summary.js';
import type { Style } from '../../packages/cli/src/render/style.js';
import { writeUnredacted } from '../../packages/cli/src/unredacted.js';

const plain: Style = {
  color: false,
  bold: (s) => s,
  dim: (s) => s,
  red: (s) => s,
  green: (s) => s,
  yellow: (s) => s,
  cyan: (s) => s,
};
const STATE_ONLY: ChangeCounts = {
  add: 0,
  change: 0,
  destroy: 0,
  replace: 0,
  move: 2,
  import: 1,
  forget: 1,
  forgotten: ['terraform_data.keep_me'],
};

/** The report fixture with its first deployment's plan a move/import/forget one, in `status`. */
async function stateOnlyRun(status: DeploymentStatus): Promise<RunResult> {
  const result = await fixtureRun(await mkdtemp(path.join(tmpdir(), 'tfo-counts-')));
  result.deployments[0] = { ...result.deployments[0]!, status, changes: STATE_ONLY };
  return result;
}

describe('moves, imports and forgets in what a run shows', () => {
  it('the summary counts them beside +add ~change -destroy and names each forgotten resource', async () => {
    const out = renderSummary(await stateOnlyRun('applied'), plain);
    expect(out).toContain('+0 ~0 -0 →2 moved +1 imported −1 forgotten');
    expect(out).toContain('1 resource(s) forgotten: removed from state, NOT destroyed');
    expect(out).toContain('    forgotten: terraform_data.keep_me');
  });

  it('a plan says what would be forgotten; older counts render as before', async () => {
    const planned = renderSummary(await stateOnlyRun('planned'), plain);
    expect(planned).toContain('1 resource(s) would be forgotten');
    const before = renderSummary(await fixtureRun(await mkdtemp(path.join(tmpdir(), 'tfo-counts-'))), plain);
    expect(before).not.toMatch(/moved|imported|forgotten/);
  });

  it('the HTML report counts them and lists the forgotten resources under needs attention', async () => {
    const redact = async (t: string): Promise<string> => redactText(t);
    const html = renderHtml(await prepareReport(await withView(await stateOnlyRun('applied'), redact), redact));
    expect(html).toContain('+0 ~0 −0 →2 moved +1 imported −1 forgotten');
    expect(html).toMatch(/forgotten \(removed from state, NOT destroyed\): <code>terraform_data\.keep_me<\/code>/);
  });
});

describe('the terminal summary', () => {
  it('marks a finding unknown until apply', async () => {
    const result = await fixtureRun(await mkdtemp(path.join(tmpdir(), 'tfo-counts-')));
    const blocked = result.deployments.find((d) => d.findings.length > 0)!;
    blocked.findings.push({
      ruleId: 'TFO-SQS-001',
      severity: 'medium',
      level: 'warn',
      title: 'Queue without encryption',
      message: 'kms_master_key_id cannot be decided yet',
      resource: 'aws_sqs_queue.q',
      source: 'opa',
      unknown: true,
    });
    const summary = renderSummary(result, plain);
    expect(summary).toContain('[warn, unknown] TFO-SQS-001');
    expect(summary).not.toMatch(/\[warn, unknown\] TFO-S3-/);
  });
});

describe('--unredacted', () => {
  it('writes the unredacted result for its owner only', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-unredacted-'));
    const result = await fixtureRun(dir);
    const file = path.join(dir, 'full.json');
    await writeUnredacted(file, result);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain(SECRETS.accessKey);
    await writeUnredacted(file, result);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
