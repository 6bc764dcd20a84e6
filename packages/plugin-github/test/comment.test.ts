import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { github, GITHUB_COMMENT_LIMIT, markerPart, renderComment } from '../src/index.js';
import {
  capture,
  HEAD_SHA,
  makeEngine,
  prEnv,
  runResult,
  tempDir,
  writeEvent,
  useFakeGitHub,
  report,
} from './support.js';

const api = useFakeGitHub();

async function setup(over: Parameters<typeof github>[0] = {}) {
  const dir = await tempDir();
  await writeEvent(dir);
  const out = capture();
  const retry = { writeIntervalMs: 0 };
  const plugin = github({ enabled: true, env: prEnv(dir, api().baseUrl), stdout: out, retry, ...over });
  const engine = await makeEngine(dir, [plugin]);
  return { dir, engine, out };
}

const PR_COMMENTS = '/repos/acme/infra/issues/7/comments';

describe('sticky pull request comment', () => {
  it('is created on the first run and updated in place on the second (no duplicate)', async () => {
    // 150 other comments: the listing spans two pages, followed through the Link header
    for (let i = 0; i < 150; i++) api().seedComment(7, `looks good ${i}`);
    const { dir, engine } = await setup();

    const first = await runResult(dir, 'plan', [{ project: 'api' }, { project: 'web', resources: 3 }], 'run-1');
    await report(engine, first);
    expect(first.problems).toEqual([]);
    expect(api().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${PR_COMMENTS}?per_page=100`,
      `GET ${PR_COMMENTS}?per_page=100&page=2`,
      `POST ${PR_COMMENTS}`,
      'POST /repos/acme/infra/check-runs',
    ]);
    const created = api().requests[2]!.body as { body: string };
    expect(created.body.startsWith('<!-- tfo:plan -->\n### tfo plan: success')).toBe(true);
    expect(created.body).toContain('`s3/acme-dev/us-east-1/api/terraform.tfstate`');
    expect(created.body).toContain('**+3 ~0 -0**');
    expect(created.body).toContain('<details><summary>plan</summary>');
    expect(created.body).toContain('Plan: 3 to add, 0 to change, 0 to destroy.');
    expect(created.body).not.toContain('$ terraform'); // command lines (absolute paths) left out
    const check = api().requests[3]!.body as Record<string, unknown>;
    expect(check).toMatchObject({
      name: 'tfo plan',
      head_sha: HEAD_SHA,
      status: 'completed',
      conclusion: 'success',
      details_url: 'https://github.com/acme/infra/actions/runs/4242',
      output: { title: 'success: 2 with changes' },
    });

    api().requests.length = 0;
    const second = await runResult(dir, 'plan', [{ project: 'api' }], 'run-2');
    await report(engine, second);
    const id = api()
      .commentsOf(7)
      .find((c) => c.body.startsWith('<!-- tfo:plan -->'))!.id;
    expect(api().writes()).toEqual([
      `PATCH /repos/acme/infra/issues/comments/${id}`,
      'POST /repos/acme/infra/check-runs',
    ]);
    const ours = api()
      .commentsOf(7)
      .filter((c) => markerPart(c.body, 'tfo:plan') !== undefined);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain('run `run-2`');
    expect(ours[0]!.body).not.toContain('web');
    expect(api().commentsOf(7)).toHaveLength(151);
  });

  it('keeps plan and apply comments apart, and leaves an identical body alone', async () => {
    const { dir, engine } = await setup();
    const plan = await runResult(dir, 'plan', [{ project: 'api' }]);
    await report(engine, plan);
    await report(engine, plan);
    const apply = await runResult(dir, 'apply', [{ project: 'api' }]);
    await report(engine, apply);
    expect(
      api()
        .writes()
        .filter((w) => w.includes('comments')),
    ).toEqual([
      `POST ${PR_COMMENTS}`, // plan
      `POST ${PR_COMMENTS}`, // apply; the second identical plan report wrote nothing
    ]);
    expect(
      api()
        .commentsOf(7)
        .map((c) => c.body.split('\n')[0]),
    ).toEqual(['<!-- tfo:plan -->', '<!-- tfo:apply -->']);
  });

  it('300 deployments with long plans: every body under 65,536, every key shown, trimming noted', async () => {
    const { dir, engine } = await setup();
    const specs = Array.from({ length: 300 }, (_, i) => ({
      project: `service-${String(i).padStart(3, '0')}-with-a-rather-long-project-name`,
      account: i % 2 === 0 ? ('acme-dev' as const) : ('acme-prod' as const),
      resources: 120,
      status: i === 5 ? ('failed' as const) : i === 9 ? ('blocked' as const) : undefined,
      error:
        i === 5 ? { stage: 'apply' as const, message: 'terraform apply exited 1: Error: AccessDenied' } : undefined,
      findings:
        i === 9
          ? [
              {
                ruleId: 'TFO-S3-001',
                severity: 'high' as const,
                level: 'deny' as const,
                title: 'Public bucket',
                message: 'bucket b1 allows public reads',
                resource: 'terraform_data.bucket["b1"]',
                source: 'opa',
                file: 'deployments/x.tfvars',
              },
            ]
          : [],
    }));
    const result = await runResult(dir, 'plan', specs);
    await report(engine, result);
    expect(result.problems).toEqual([]);

    const posts = api().requests.filter((r) => r.method === 'POST' && r.path === PR_COMMENTS);
    const bodies = posts.map((r) => (r.body as { body: string }).body);
    expect(bodies.length).toBeGreaterThan(1);
    expect(bodies.length).toBeLessThanOrEqual(5);
    for (const [i, body] of bodies.entries()) {
      expect(body.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
      expect(body.startsWith(`<!-- tfo:plan ${i + 1}/${bodies.length} -->\n`)).toBe(true);
    }
    const all = bodies.join('\n');
    for (const d of result.deployments) expect(all).toContain(`\`${d.key}\``);
    expect(bodies[0]).toContain('plans were trimmed or left out');
    expect(bodies[0]).toContain(
      '`.tfo/runs/run-1/report.html` in the `tfo-report` artifact of [this workflow run](https://github.com/acme/infra/actions/runs/4242)',
    );
    expect(all).toContain('lines left out here …');
    expect(all).toContain('<sub>plan left out to fit the comment; the full plan: `.tfo/runs/run-1/report.html`');
    expect(all).toContain('<sub>plan trimmed to fit the comment; the full plan: `.tfo/runs/run-1/report.html`');
    // what needs a reviewer comes first
    expect(bodies[0]!.indexOf('❌ **failed**')).toBeLessThan(bodies[0]!.indexOf('⛔ **blocked**'));
    expect(bodies[0]).toContain('`TFO-S3-001` on `terraform_data.bucket["b1"]`: bucket b1 allows public reads');
    const summary = await readFile(prEnv(dir, '')['GITHUB_STEP_SUMMARY']!, 'utf8');
    for (const d of result.deployments) expect(summary).toContain(d.key);
  });

  it('a shorter run deletes the stale extra parts of a longer one', async () => {
    const { dir, engine } = await setup({ maxCommentChars: 10_000, planMaxChars: 2_000 });
    const many = await runResult(
      dir,
      'plan',
      Array.from({ length: 40 }, (_, i) => ({ project: `p${i}`, resources: 20 })),
    );
    await report(engine, many);
    const parts = api().commentsOf(7);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts[0]!.body.startsWith(`<!-- tfo:plan 1/${parts.length} -->`)).toBe(true);

    api().requests.length = 0;
    await report(engine, await runResult(dir, 'plan', [{ project: 'p0' }], 'run-2'));
    expect(api().writes()).toEqual([
      `PATCH /repos/acme/infra/issues/comments/${parts[0]!.id}`,
      ...parts.slice(1).map((p) => `DELETE /repos/acme/infra/issues/comments/${p.id}`),
      'POST /repos/acme/infra/check-runs',
    ]);
    expect(
      api()
        .commentsOf(7)
        .map((c) => c.body.split('\n')[0]),
    ).toEqual(['<!-- tfo:plan -->']);
  });

  it('sends no secret: AWS keys, passwords, tokens and engine.sensitive values are redacted everywhere', async () => {
    const { dir, engine, out } = await setup();
    const sensitive = 'Zq8-unique-sensitive-value-91';
    engine.sensitive.add(sensitive);
    const secrets = [
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'hunter2-Correct-Horse',
      sensitive,
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    ];
    const extra = [
      `      + access_key = "${secrets[0]}"`,
      `      + aws_secret_access_key = "${secrets[1]}"`,
      `      + db_password = "${secrets[2]}"`,
      `      + note = "connect with ${sensitive} please"`,
      `      + token = "${secrets[4]}"`,
    ].join('\n');
    const result = await runResult(dir, 'apply', [
      { project: 'api', extra },
      {
        project: 'db',
        status: 'failed',
        extra,
        error: { stage: 'apply', message: `apply failed: password=${secrets[2]} for ${sensitive}` },
        findings: [
          {
            ruleId: 'ORG-1',
            severity: 'high',
            level: 'deny',
            title: `key ${secrets[0]} in plan`,
            message: `value ${sensitive} is exposed`,
            resource: 'terraform_data.bucket["b0"]',
            remediation: `rotate ${secrets[0]}`,
            source: 'org',
          },
        ],
      },
    ]);
    await report(engine, result);
    expect(result.problems).toEqual([]);
    const sent = api()
      .requests.map((r) => r.raw)
      .join('\n');
    expect(sent).toContain('***');
    const summary = await readFile(prEnv(dir, '')['GITHUB_STEP_SUMMARY']!, 'utf8');
    for (const secret of secrets) {
      expect(sent).not.toContain(secret);
      expect(summary).not.toContain(secret);
      expect(out.text()).not.toContain(secret);
    }
    expect(out.text()).toContain('::error file=deployments/db/db.tfvars');
  });
});

describe('renderComment', () => {
  const header = ({ part, total }: { part: number; total: number }) => `### tfo plan · part ${part} of ${total}`;

  it('uses more comments than maxComments rather than drop a deployment line', () => {
    const views = Array.from({ length: 400 }, (_, i) => ({
      line: `📝 **planned** · \`s3/acme-dev/us-east-1/p${i}/terraform.tfstate\` ${'x'.repeat(150)}`,
      plan: 'y\n'.repeat(2_000),
    }));
    const { bodies, trimmed } = renderComment('tfo:plan', views, header, 'the report', {
      maxChars: 10_000,
      maxParts: 2,
      planMaxChars: 5_000,
    });
    expect(bodies.length).toBeGreaterThan(2);
    expect(trimmed).toBe(400);
    const all = bodies.join('\n');
    for (let i = 0; i < 400; i++) expect(all).toContain(`/p${i}/terraform.tfstate`);
    for (const b of bodies) expect(b.length).toBeLessThanOrEqual(10_000);
    expect(all).not.toContain('<details>');
  });

  it('keeps small plans whole in one unnumbered comment, with a fence longer than any backtick run', () => {
    const { bodies, trimmed } = renderComment(
      'tfo:apply:net',
      [{ line: 'line', plan: 'a ``` b ```` c' }],
      header,
      'the report',
      { maxChars: 60_000, maxParts: 5, planMaxChars: 20_000 },
    );
    expect(trimmed).toBe(0);
    expect(bodies).toEqual([
      '<!-- tfo:apply:net -->\n### tfo plan · part 1 of 1\n\nline\n\n<details><summary>plan</summary>\n\n' +
        '`````text\na ``` b ```` c\n`````\n\n</details>\n',
    ]);
    expect(markerPart(bodies[0], 'tfo:apply:net')).toBe(1);
    expect(markerPart(bodies[0], 'tfo:apply')).toBeUndefined();
    expect(markerPart('<!-- tfo:plan 2/3 -->\nx', 'tfo:plan')).toBe(2);
    expect(markerPart('> <!-- tfo:plan -->', 'tfo:plan')).toBeUndefined();
  });
});
