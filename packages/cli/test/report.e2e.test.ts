import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { offlineRepo, offlineRepoWithPolicies, REPO, tempDir, tfo, tfoJson } from './support.js';

const ACCOUNT_IDS = ['111111111111', '222222222222', '333333333333'];
const PASSWORDS = ['stage-Orders-Pa55w0rd-demo-only', 'prod-R3ports-demo-only-not-a-secret'];
const WIDTH = 1400;
const HEIGHT = 1000;

/** TFO_CHROMIUM, else a chromium on PATH (scripts/setup-tools installs one). */
async function findChromium(): Promise<string> {
  if (process.env.TFO_CHROMIUM) return process.env.TFO_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    const found = await execa('sh', ['-c', `command -v ${name}`], { reject: false });
    if (found.exitCode === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  throw new Error('no chromium found: run scripts/setup-tools (it installs Debian chromium) or set TFO_CHROMIUM');
}

async function chromium(args: string[]): Promise<string> {
  const profile = await tempDir('tfo-chromium-');
  const out = await execa(
    await findChromium(),
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, ...args],
    { timeout: 120_000, reject: false },
  );
  if (out.exitCode !== 0) throw new Error(`chromium ${args.join(' ')} exited ${out.exitCode}:\n${out.stderr}`);
  return out.stdout;
}

/** Width, height and how many distinct byte values the decoded pixels hold (a blank page holds few). */
function pngStats(png: Buffer): { width: number; height: number; distinct: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  return { width, height, distinct: new Set(pixels).size };
}

describe('HTML report of a real run, rendered in headless chromium', () => {
  it('is written after apply, shows the timeline on overlapping lanes, redacts, and tfo report rewrites it', async () => {
    const dir = await offlineRepoWithPolicies();
    const { code, result } = await tfoJson(
      [
        'apply',
        '--config',
        'orchestrator.config.ts',
        '--max-workers',
        '4',
        '--junit',
        'out/junit.xml',
        '--unredacted',
        'out/full.json',
      ],
      dir,
    );
    expect(code).toBe(1);
    const report = path.join(result.run.dir, 'report.html');
    expect(existsSync(report)).toBe(true);
    const html = await readFile(report, 'utf8');
    for (const secret of [...ACCOUNT_IDS, ...PASSWORDS]) expect(html).not.toContain(secret);
    expect(html).toContain('TFO-GOLDEN-004');
    expect(html).toContain('marketing-site');

    // --unredacted: the whole result, for its owner only
    const full = path.join(dir, 'out/full.json');
    expect((await stat(full)).mode & 0o777).toBe(0o600);
    const unredacted = JSON.parse(await readFile(full, 'utf8')) as typeof result;
    expect(unredacted.deployments).toHaveLength(result.deployments.length);

    // --junit: one testcase per deployment; the recovered one and the blocked one fail
    const junit = await readFile(path.join(dir, 'out/junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(result.deployments.length);
    expect(junit).toMatch(/<testsuites [^>]*failures="2"/);
    expect(junit).toContain('<failure type="policy"');
    for (const secret of [...ACCOUNT_IDS, ...PASSWORDS]) expect(junit).not.toContain(secret);
    const xmlDom = await chromium(['--dump-dom', `file://${path.join(dir, 'out/junit.xml')}`]);
    expect(xmlDom).not.toMatch(/parsererror|This page contains the following errors/);

    // the page as a browser shows it
    const png = path.join(await tempDir('tfo-shot-'), 'report.png');
    await chromium([
      '--hide-scrollbars',
      `--window-size=${WIDTH},${HEIGHT}`,
      `--screenshot=${png}`,
      `file://${report}`,
    ]);
    const shot = await readFile(png);
    expect(shot.length).toBeGreaterThan(30_000);
    const stats = pngStats(shot);
    expect(stats).toMatchObject({ width: WIDTH, height: HEIGHT });
    expect(stats.distinct).toBeGreaterThan(100);
    if (process.env.TFO_REPORT_SCREENSHOT) {
      await mkdir(path.join(REPO, 'docs'), { recursive: true });
      await copyFile(png, path.join(REPO, 'docs/report-timeline.png'));
    }

    // its DOM after its script ran: bars on at least two lanes that overlap in time
    const dom = await chromium(['--dump-dom', `file://${report}`]);
    expect(dom).toMatch(/<html[^>]*data-js="ready"/);
    expect(dom).toMatch(/<fieldset class="filter" id="severity-filter">/);
    const bars = [...dom.matchAll(/class="bar [^"]*"[^>]*data-lane="(\d+)" data-start="(\d+)" data-end="(\d+)"/g)].map(
      (m) => ({ lane: Number(m[1]), start: Number(m[2]), end: Number(m[3]) }),
    );
    expect(bars).toHaveLength(result.deployments.length);
    expect(new Set(bars.map((b) => b.lane)).size).toBeGreaterThanOrEqual(2);
    const overlap = bars.some((a) => bars.some((b) => a.lane !== b.lane && a.start < b.end && b.start < a.end));
    expect(overlap).toBe(true);

    // tfo report: the same run again, from its folder, sensitive values collected from the saved plans
    const again = await tfo(
      [
        'report',
        '--config',
        'orchestrator.config.ts',
        '--run',
        result.run.id,
        '--html',
        'past.html',
        '--junit',
        'past.xml',
      ],
      dir,
    );
    expect(again.exitCode, again.all).toBe(0);
    const past = await readFile(path.join(dir, 'past.html'), 'utf8');
    for (const secret of [...ACCOUNT_IDS, ...PASSWORDS]) expect(past).not.toContain(secret);
    expect(past.match(/class="bar /g)).toHaveLength(result.deployments.length);
    expect(existsSync(path.join(dir, 'past.xml'))).toBe(true);
    const latest = await tfo(['report', '--config', 'orchestrator.config.ts', '--json'], dir);
    expect(JSON.parse(latest.stdout)).toMatchObject({ run: result.run.id, html: report });
  });
});

describe('without the report plugin', () => {
  it('--junit is refused before the run, naming the plugin to add', async () => {
    const dir = await offlineRepo();
    const out = await tfo(['plan', '--junit', 'junit.xml'], dir);
    expect(out.exitCode, out.all).toBe(3);
    expect(out.stderr).toContain("--junit needs the report plugin: add report() from '@tfo/plugin-report'");
    expect(existsSync(path.join(dir, '.tfo', 'runs'))).toBe(false);
  });
});
