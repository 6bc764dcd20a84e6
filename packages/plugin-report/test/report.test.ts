import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redactText } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { SCRIPT } from '../src/assets.js';
import { escapeHtml, escapeXml } from '../src/escape.js';
import { renderHtml } from '../src/html.js';
import { renderJunit } from '../src/junit.js';
import { logLimit, prepareReport, type Redactor } from '../src/prepare.js';
import { safeHead, safeTail } from '@tfo/engine/testing';
import { loadRun, recollectSensitive } from '../src/run-files.js';
import { layoutTimeline, tickStep } from '../src/timeline.js';
import { writeReports } from '../src/write.js';
import { fixtureRun, SECRETS, withView } from './report-fixture.js';

const redactor =
  (sensitive: string[] = [SECRETS.sensitive]): Redactor =>
  async (text) =>
    redactText(text, { sensitive });

const tmp = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'tfo-report-'));

function secretLog(): string {
  return [
    '$ terraform apply -no-color plan.tfplan',
    `aws_db_instance.main: password = "${SECRETS.sensitive}"`,
    `connection: postgresql://app:${SECRETS.sensitive}@db.internal/app`,
    `encoded: ${Buffer.from(SECRETS.sensitive).toString('base64')}`,
    `only terraform knows this one: ${SECRETS.sensitive} (and in JSON: {"v":"${SECRETS.sensitive}"})`,
    `role: arn:aws:iam::${SECRETS.accountId}:role/deployer`,
    `AWS_ACCESS_KEY_ID=${SECRETS.accessKey}`,
    `owner: ${SECRETS.email}`,
    'odd bytes: \u0000\u0007\u001b[31mred\u001b[0m </pre><img src=x onerror=alert(1)>',
    '',
  ].join('\n');
}

function expectNoSecrets(text: string): void {
  for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
  expect(text).not.toContain(Buffer.from(SECRETS.sensitive).toString('base64'));
}

describe('HTML report', () => {
  it('escapes everything it shows', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml('a\u0000b\u001b[1mc\u001b[0m\ud800d')).toBe('abcd');
    expect(escapeXml(`'"<>&`)).toBe('&apos;&quot;&lt;&gt;&amp;');
  });

  it('shows no seeded secret, and no markup from logs, errors or findings', async () => {
    const dir = await tmp();
    const result = await fixtureRun(dir, { logs: secretLog(), assets: secretLog() });
    const html = renderHtml(await prepareReport(await withView(result, redactor()), redactor()));
    expectNoSecrets(html);
    expect(html).toContain('arn:aws:iam::***:role/deployer');
    // one script element, ours; the seeded markup is text
    expect(html.match(/<script\b/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Bucket readable by &lt;anyone&gt; &amp; &quot;everyone&quot;');
    expect(html).not.toContain('\u001b');
    // loads nothing: no URL but the page's own anchors, and a CSP that allows only its own script
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/);
    expect(html).not.toMatch(/https?:\/\//);
    const hash = createHash('sha256').update(SCRIPT).digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain(`default-src 'none'`);
  });

  it('lays deployments out on their lanes, overlapping in time, with stage segments', async () => {
    const dir = await tmp();
    const result = await fixtureRun(dir);
    const t = layoutTimeline(result);
    expect(t.lanes.map((l) => l.lane)).toEqual([0, 1, 2]);
    expect(t.lanes[0]!.bars.map((b) => b.deployment.project)).toEqual(['assets', 'media']);
    expect(t.notRun.map((d) => d.project)).toEqual(['later']);
    expect(t.span).toBe(3800);
    const html = renderHtml(await prepareReport(await withView(result, redactor()), redactor()));
    const bars = [
      ...html.matchAll(/<a class="bar [^"]*"[^>]*data-lane="(\d+)" data-start="(\d+)" data-end="(\d+)"/g),
    ].map((m) => ({ lane: Number(m[1]), start: Number(m[2]), end: Number(m[3]) }));
    expect(bars).toHaveLength(4);
    expect(new Set(bars.map((b) => b.lane)).size).toBe(3);
    const overlapping = bars.some((a) => bars.some((b) => a.lane !== b.lane && a.start < b.end && b.start < a.end));
    expect(overlapping).toBe(true);
    for (const stage of ['lock', 'init', 'plan', 'validate', 'backup', 'apply', 'verify', 'recover']) {
      expect(html).toContain(`class="seg s-${stage}`);
    }
    expect(html).toContain('class="seg s-apply bad"');
    expect(html).toMatch(/class="tick"[^>]*>1.0s</);
    expect(tickStep(3800)).toBe(500);
    expect(tickStep(45 * 60_000)).toBe(300_000);
  });

  it('has a findings table with working severity filters, readable without script', async () => {
    const dir = await tmp();
    const html = renderHtml(await prepareReport(await withView(await fixtureRun(dir), redactor()), redactor()));
    expect(html.match(/<tr data-sev="/g)).toHaveLength(3);
    expect(html).toMatch(/<fieldset class="filter" id="severity-filter" hidden>/);
    for (const sev of ['critical', 'high', 'low']) expect(html).toContain(`data-sev="${sev}" checked`);
    expect(html).not.toContain('data-sev="medium" checked');
    expect(html).toContain('waived until 2027-03-31 by secops: log bucket cannot log to itself');
    expect(html).toContain('***@***');
  });

  it('marks a finding unknown until apply where findings are listed (HTML, JUnit)', async () => {
    const dir = await tmp();
    const result = await fixtureRun(dir);
    const blocked = result.deployments.find((d) => d.findings.length > 0)!;
    blocked.findings = [
      ...blocked.findings,
      {
        ruleId: 'TFO-SQS-001',
        severity: 'medium',
        level: 'warn',
        title: 'Queue without encryption',
        message: 'kms_master_key_id cannot be decided yet',
        resource: 'aws_sqs_queue.q',
        source: 'opa',
        unknown: true,
      },
    ];
    const data = await prepareReport(await withView(result, redactor()), redactor());
    const html = renderHtml(data);
    expect(html).toMatch(
      /<td class="lvl-warn">warn<br><small class="dim">unknown until apply<\/small><\/td><td class="mono rule">TFO-SQS-001/,
    );
    expect(html.match(/unknown until apply/g)).toHaveLength(1);
    expect(renderJunit(data)).toContain('[warn unknown medium] TFO-SQS-001');
  });

  it('trims a huge log to its share, keeping its start and end, with a note', async () => {
    const dir = await tmp();
    const line = (i: number): string => `line ${String(i).padStart(7, '0')} ${'x'.repeat(60)}\n`;
    const huge = Array.from({ length: 150_000 }, (_, i) => line(i)).join('');
    expect(huge.length).toBeGreaterThan(10_000_000);
    const withSecretAtEnd = `${huge}final ${SECRETS.sensitive}\n`;
    const result = await fixtureRun(dir, { assets: withSecretAtEnd });
    const data = await prepareReport(await withView(result, redactor()), redactor());
    const view = data.logs.get(result.deployments[0]!.key)!;
    const limit = logLimit(result.deployments.length);
    expect(view.text.length).toBeLessThan(limit + 500);
    expect(view.text.startsWith(line(0))).toBe(true);
    expect(view.text).toContain('final ***\n');
    expect(view.text).toMatch(
      /… about [\d.]+ MiB of this log left out here; the whole log \(unredacted\) is .*terraform\.log …/,
    );
    expect(view.omitted).toBeGreaterThan(10_000_000);
    expect(view.bytes).toBe(Buffer.byteLength(withSecretAtEnd));
    const html = renderHtml(data);
    expect(html.length).toBeLessThan(300_000);
    expect(html).toContain('trimmed:');
    // logs share a budget: many deployments get less each, never below the floor
    expect(logLimit(10)).toBe(64 * 1024);
    expect(logLimit(1000)).toBe(16 * 1024);
  });

  it('never cuts a PEM block in half when it reads a window of a log', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nAAAA\n-----END RSA PRIVATE KEY-----\n';
    const text = `a\nb\n${pem}c\n`;
    const cutInside = text.slice(0, text.indexOf('AAAA'));
    expect(safeHead(cutInside)).toBe('a\nb\n');
    expect(safeTail(text.slice(text.indexOf('IBAAK')))).toBe('c\n');
    expect(safeHead(text)).toBe(text);
    expect(safeTail(`x\n${pem}`)).toBe(pem);
  });

  it('reports a past run from its folder: the latest, sensitive values collected again from the saved plans', async () => {
    const dir = await tmp();
    // a value only terraform's sensitive marking finds: no pattern of the redactor matches it
    const result = await fixtureRun(dir, { assets: `output connection: ${SECRETS.sensitive}\n` });
    const runs = path.join(dir, 'runs');
    // result.json holds the run's redacted view, as the engine writes it
    const { shown } = await withView(result, redactor());
    await writeFile(path.join(runs, 'r1', 'result.json'), JSON.stringify(shown));
    await mkdir(path.join(runs, '20200101T000000Z-old'), { recursive: true });
    await writeFile(path.join(runs, '20200101T000000Z-old', 'result.json'), '{}');
    await mkdir(path.join(runs, 'zz-unfinished'), { recursive: true });
    const plan = {
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_db_instance.main',
          type: 'aws_db_instance',
          change: {
            actions: ['create'],
            after: { password: SECRETS.sensitive, name: 'app' },
            after_sensitive: { password: true },
          },
        },
      ],
    };
    await writeFile(path.join(runs, 'r1', 'assets', 'plan.json'), JSON.stringify(plan));
    const loaded = await loadRun(dir);
    expect(loaded.dir).toBe(path.join(runs, 'r1'));
    expect((await loadRun(dir, '20200101T000000Z-old')).dir).toBe(path.join(runs, '20200101T000000Z-old'));
    await expect(loadRun(dir, 'nope')).rejects.toThrow(/no run nope/);
    const sensitive = await recollectSensitive(loaded.result);
    expect([...sensitive]).toEqual([SECRETS.sensitive]);
    // without the recollected value, the bare sensitive value would show; with it, it does not
    const out = path.join(dir, 'out', 'report.html');
    // result.json is the run's view as written: shown as it is, only the logs are redacted
    const run = { result: loaded.result, shown: loaded.result };
    await writeReports(run, redactor([...sensitive]), { html: out });
    expectNoSecrets(await readFile(out, 'utf8'));
    const bare = renderHtml(await prepareReport(run, redactor([])));
    expect(bare).toContain(SECRETS.sensitive);
  });
});
