// docs/capabilities.md's example (a plugin that provides its own capability and contributes a
// command) is taken from the page as written and run through the CLI's dispatch.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main.js';

const REPO = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The fenced block after `<!-- example:<name> -->` in the page. */
async function example(name: string): Promise<string> {
  const page = await readFile(path.join(REPO, 'docs/capabilities.md'), 'utf8');
  const found = new RegExp(`<!-- example:${name} -->\\s*\`\`\`ts\\n([\\s\\S]*?)\\n\`\`\``).exec(page);
  if (!found?.[1]) throw new Error(`docs/capabilities.md has no example ${name}`);
  return found[1];
}

let out: string[];

beforeEach(() => {
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('docs/capabilities.md', () => {
  it('its cmdb plugin provides a capability that its contributed command uses', async () => {
    const code = await example('cmdb');
    expect(code.split('\n').length).toBeLessThan(40);
    const dir = await mkdtemp(path.join(tmpdir(), 'tfo-doc-cmdb-'));
    await writeFile(path.join(dir, 'cmdb.ts'), code);
    await writeFile(
      path.join(dir, 'orchestrator.config.ts'),
      `import { cmdb } from './cmdb';
export default {
  rootModule: '.',
  accounts: { dev: { name: 'acme-dev', id: '111111111111' }, prod: { name: 'acme-prod', id: '333333333333' } },
  plugins: [cmdb({ 'acme-dev': 'team-a', 'acme-prod': 'team-b' })],
};
`,
    );
    const tfo = (...args: string[]): Promise<number> => main(['node', 'tfo', '-C', dir, ...args]);
    expect(await tfo('owners')).toBe(0);
    expect(out.join('')).toBe('acme-dev  team-a\nacme-prod  team-b\n');
    out.length = 0;
    expect(await tfo('owners', '--format', 'csv')).toBe(0);
    expect(out.join('')).toBe('acme-dev,team-a\nacme-prod,team-b\n');
    out.length = 0;
    expect(await tfo('owners', '--json')).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({
      rows: [
        { account: 'acme-dev', owner: 'team-a' },
        { account: 'acme-prod', owner: 'team-b' },
      ],
    });
    expect(await tfo('owners', '--format', 'xml')).toBe(3);
  });
});
