import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redactText } from '@tfo/engine';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../src/junit.js';
import { prepareReport } from '../src/prepare.js';
import { fixtureRun, SECRETS, withView } from './report-fixture.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decode(text: string, where: string): string {
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    ENTITY.lastIndex = i;
    if (!ENTITY.test(text)) throw new Error(`bad entity in ${where}: ${text.slice(i, i + 12)}`);
  }
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** A strict little XML reader: throws on anything that is not well-formed. */
function parseXml(xml: string): XmlElement {
  if (NOT_XML_CHAR.test(xml)) throw new Error('character not allowed in XML');
  const token =
    /<\?xml[^?]*\?>\s*|<\/([A-Za-z_][\w.:-]*)\s*>|<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  let at = 0;
  while (at < xml.length) {
    token.lastIndex = at;
    const m = token.exec(xml);
    if (!m) throw new Error(`not well-formed at ${at}: ${xml.slice(at, at + 40)}`);
    at = token.lastIndex;
    const top = stack.at(-1)!;
    if (m[1]) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[2]) {
      const attrs: Record<string, string> = {};
      for (const a of m[3]!.matchAll(/([A-Za-z_][\w.:-]*)="([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]!] = decode(a[2]!, `${m[2]}@${a[1]}`);
      }
      const el: XmlElement = { name: m[2], attrs, children: [], text: '' };
      top.children.push(el);
      if (!m[4]) stack.push(el);
    } else if (m[5]) {
      if (top === root && m[5].trim()) throw new Error('text outside the root element');
      top.text += decode(m[5], top.name);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is not closed`);
  if (root.children.length !== 1) throw new Error('not exactly one root element');
  return root.children[0]!;
}

const redact = async (text: string): Promise<string> => redactText(text, { sensitive: [SECRETS.sensitive] });

describe('JUnit XML', () => {
  it('is well-formed, with one testcase per deployment and the right counts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-junit-'));
    const result = await fixtureRun(dir, {
      logs: `apply started\nError: AccessDenied ]]> <![CDATA[ \u0001\u001b[31m for ${SECRETS.sensitive}\n`,
    });
    const xml = renderJunit(await prepareReport(await withView(result, redact), redact));
    const suites = parseXml(xml);
    expect(suites.name).toBe('testsuites');
    const suite = suites.children[0]!;
    expect(suite.name).toBe('testsuite');
    const cases = suite.children;
    // five deployments and the run's problems
    expect(cases).toHaveLength(6);
    expect(suites.attrs).toMatchObject({ tests: '6', failures: '3', errors: '0', skipped: '1', time: '3.800' });
    expect(suite.attrs).toMatchObject({ tests: '6', failures: '3', skipped: '1' });
    const byName = new Map(cases.map((c) => [c.attrs.name, c]));
    const assets = byName.get('s3/acme-dev/us-east-1/assets/terraform.tfstate')!;
    expect(assets.attrs).toMatchObject({ classname: 'acme-dev/us-east-1', time: '3.040' });
    expect(assets.children.map((c) => c.name)).toEqual(['system-out']);
    expect(assets.children[0]!.text).toMatch(/\+1 ~0 -0$/m);

    const logs = byName.get('s3/acme-dev/us-east-1/logs/terraform.tfstate')!;
    const failure = logs.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs.type).toBe('apply');
    expect(failure.attrs.message).toMatch(
      /^failed and recovered: apply failed: <script>alert\("x"\)<\/script> AccessDenied/,
    );
    expect(failure.text).toContain('recovery destroy-created succeeded: destroyed 1 resource');
    expect(failure.text).toContain('Error: AccessDenied ]]> <![CDATA[  for ***');

    const site = byName.get('s3/acme-dev/us-east-1/site/terraform.tfstate')!;
    const blocked = site.children.find((c) => c.name === 'failure')!;
    expect(blocked.attrs.type).toBe('policy');
    expect(blocked.attrs.message).toBe(
      'blocked by policy: TFO-S3-001 Bucket readable by <anyone> & "everyone"; TFO-S3-020 No KMS',
    );
    expect(blocked.text).toContain('[warn low] TFO-S3-012 No access logging');
    expect(blocked.text).toContain('(waived until 2027-03-31: log bucket cannot log to itself)');

    const later = byName.get('s3/acme-dev/us-east-1/later/terraform.tfstate')!;
    expect(later.children[0]).toMatchObject({ name: 'skipped', attrs: { message: 'skipped' } });

    const problems = byName.get('run problems')!;
    expect(problems.children[0]!.attrs.type).toBe('problems');
  });

  it('counts moves, imports and forgets beside adds, changes and destroys', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-junit-'));
    const result = await fixtureRun(dir);
    result.deployments[0]!.changes = { add: 0, change: 0, destroy: 0, replace: 0, move: 2, import: 1, forget: 1 };
    const suite = parseXml(renderJunit(await prepareReport(await withView(result, redact), redact))).children[0]!;
    const out = suite.children[0]!.children.find((c) => c.name === 'system-out')!;
    expect(out.text).toContain('+0 ~0 -0 →2 moved +1 imported −1 forgotten');
  });

  it('shows no seeded secret', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-junit-'));
    const result = await fixtureRun(dir, {
      logs: `token=${SECRETS.accessKey} ${SECRETS.sensitive} ${SECRETS.email}\n`,
    });
    const xml = renderJunit(await prepareReport(await withView(result, redact), redact));
    for (const value of Object.values(SECRETS)) expect(xml).not.toContain(value);
    expect(xml).toContain('arn:aws:iam::***:role/deployer');
  });

  it('counts an empty run', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-junit-'));
    const result = { ...(await fixtureRun(dir)), deployments: [], problems: [], exitCode: 0 };
    const suites = parseXml(renderJunit(await prepareReport(await withView(result, redact), redact)));
    expect(suites.attrs).toMatchObject({ tests: '0', failures: '0', skipped: '0' });
  });
});
