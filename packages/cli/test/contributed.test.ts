// The CLI's dispatch of commands that configured plugins contribute (engine.contribute): arguments,
// options, choices, defaults, required options, subcommands, exit codes, redaction of what they
// write, and the errors for duplicates and for a command no configured plugin contributes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MASK } from '@tfo/engine/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main.js';

/** A fabricated secret, built at runtime, that the test plugin marks sensitive. */
const SECRET = ['tok', 'en-', 'Zq7', 'Wm2', 'Kx9'].join('');

/**
 * A config whose plugins are written inline: `greeter` contributes `tfo greet` and `tfo team`
 * (with subcommands); `extra` is pasted into the plugin list (more plugins for the error cases).
 */
async function repo(extra = ''): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-contributed-'));
  await writeFile(
    path.join(dir, 'orchestrator.config.mjs'),
    `const secret = ${JSON.stringify(SECRET.split(''))}.join('');
const greeter = {
  name: 'greeter',
  apply(engine) {
    engine.sensitive.add(secret);
    engine.onClose(() => { globalThis.__tfoClosed = (globalThis.__tfoClosed ?? 0) + 1; });
    engine.contribute({
      name: 'greet',
      description: 'say hello',
      arguments: [
        { name: 'who', description: 'whom' },
        { name: 'others', description: 'and whom else', required: false, variadic: true },
      ],
      options: [
        { flags: '--loud', description: 'shout' },
        { flags: '--lang <lang>', description: 'language', choices: ['en', 'fr'], default: 'en' },
        { flags: '--times <n>', description: 'how often', required: true },
      ],
      async run({ args, options }, io) {
        io.out(JSON.stringify({ args, loud: options.loud ?? false, lang: options.lang, times: options.times, json: io.json }) + '\\n');
        io.out('the token is ' + secret + '\\n');
        io.err('warning: ' + secret + ' leaked\\n');
        return Number(options.times);
      },
    });
    engine.contribute({
      name: 'team',
      description: 'the team',
      options: [{ flags: '--roster <file>', description: 'roster file', default: 'team.txt' }],
      subcommands: [
        {
          name: 'add',
          description: 'add one',
          arguments: [{ name: 'name', description: 'who joins' }],
          async run({ args, options }, io) {
            await io.show({ added: args[0], roster: options.roster, secret }, 'added ' + args[0] + ' ' + secret + '\\n');
            return 0;
          },
        },
      ],
    });
  },
};
export default {
  rootModule: '.',
  accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
  plugins: [greeter, ${extra}],
};
`,
  );
  return dir;
}

let out: string[];
let err: string[];

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  (globalThis as { __tfoClosed?: number }).__tfoClosed = 0;
});

afterEach(() => {
  vi.restoreAllMocks();
});

const tfo = (dir: string, ...args: string[]): Promise<number> => main(['node', 'tfo', '-C', dir, ...args]);
const closed = (): number => (globalThis as { __tfoClosed?: number }).__tfoClosed ?? 0;

describe('contributed commands', () => {
  it('get their arguments (variadic as an array), options with defaults and choices, and the exit code run returns', async () => {
    const dir = await repo();
    expect(await tfo(dir, 'greet', 'ada', 'bob', 'cy', '--loud', '--times', '5', '--lang', 'fr')).toBe(5);
    expect(JSON.parse(out[0] ?? '')).toEqual({
      args: ['ada', ['bob', 'cy']],
      loud: true,
      lang: 'fr',
      times: '5',
      json: false,
    });
    expect(closed()).toBe(1);
    out.length = 0;
    expect(await tfo(dir, '--json', 'greet', 'ada', '--times', '0')).toBe(0);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({ args: ['ada', []], loud: false, lang: 'en', json: true });
  });

  it('redact what they write to stdout and stderr with the engine’s sensitive values', async () => {
    const dir = await repo();
    expect(await tfo(dir, 'greet', 'ada', '--times', '0')).toBe(0);
    expect(out.join('')).toContain(`the token is ${MASK}`);
    expect(err.join('')).toContain(`warning: ${MASK} leaked`);
    expect(out.join('') + err.join('')).not.toContain(SECRET);
  });

  it('run subcommands with the parent command’s options; show redacts text and each JSON value', async () => {
    const dir = await repo();
    expect(await tfo(dir, 'team', '--roster', 'r.txt', 'add', 'grace')).toBe(0);
    expect(out.join('')).toBe(`added grace ${MASK}\n`);
    out.length = 0;
    expect(await tfo(dir, 'team', 'add', 'linus', '--json')).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ added: 'linus', roster: 'team.txt', secret: MASK });
  });

  it('refuse a choice not offered, a missing required option and a missing argument (usage, exit 3)', async () => {
    const dir = await repo();
    expect(await tfo(dir, 'greet', 'ada', '--times', '1', '--lang', 'de')).toBe(3);
    expect(err.join('')).toMatch(/argument 'de' is invalid\. Allowed choices are en, fr/);
    expect(await tfo(dir, 'greet', 'ada')).toBe(3);
    expect(err.join('')).toMatch(/required option '--times <n>' not specified/);
    expect(await tfo(dir, 'greet', '--times', '1')).toBe(3);
    expect(err.join('')).toMatch(/missing required argument 'who'/);
  });

  it('are listed by tfo --help with the plugin that contributes each; without a config only the built-in ones', async () => {
    const dir = await repo();
    expect(await tfo(dir, '--help')).toBe(0);
    expect(out.join('')).toMatch(/greet \[options\] <who> \[others\.\.\.\]\s+say hello \(plugin greeter\)/);
    expect(out.join('')).toMatch(/\bstate\b/);
    out.length = 0;
    const empty = await mkdtemp(path.join(tmpdir(), 'tfo-contributed-none-'));
    expect(await tfo(empty, '--help')).toBe(0);
    expect(out.join('')).toMatch(/\bapply\b/);
    expect(out.join('')).not.toContain('greet');
    expect(err.join('')).toBe('');
  });

  it("tfo help of a built-in command loads no config (and no plugin); a contributed command's help does", async () => {
    const dir = await repo();
    const before = closed();
    expect(await tfo(dir, 'help', 'plan')).toBe(0);
    expect(out.join('')).toMatch(/Usage: tfo plan/);
    // the engine was never opened: the greeter's closer did not run
    expect(closed()).toBe(before);
    out.length = 0;
    expect(await tfo(dir, 'help', 'greet')).toBe(0);
    expect(out.join('')).toMatch(/Usage: tfo greet/);
    expect(closed()).toBe(before + 1);
  });

  it('an unknown command with a config is a usage error (exit 3) naming the plugin that would contribute it', async () => {
    const dir = await repo();
    expect(await tfo(dir, 'audit', 'verify')).toBe(3);
    expect(err.join('')).toMatch(
      /TFO_ERR_USAGE: unknown command "audit": `tfo audit` is contributed by @tfo\/plugin-audit: add audit\(\) to plugins/,
    );
    expect(err.join('')).toMatch(/the configured plugins contribute tfo greet \(greeter\), tfo team \(greeter\)/);
    expect(closed()).toBe(1);
    err.length = 0;
    expect(await tfo(dir, 'nope')).toBe(3);
    expect(err.join('')).toMatch(/unknown command "nope": `tfo nope` is not a built-in command/);
  });

  it('without a config, a plugin command is the config-not-found error saying which plugin provides it', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'tfo-contributed-none-'));
    expect(await tfo(empty, 'policy', 'check', 'plan.json')).toBe(3);
    expect(err.join('')).toMatch(
      /TFO_ERR_CONFIG_NOT_FOUND: .*`tfo policy` is contributed by @tfo\/plugin-opa: add opa\(\) to plugins/,
    );
  });

  it('two plugins contributing one command, or providing one capability, fail naming both (exit 3)', async () => {
    const twice = await repo(
      `{ name: 'copycat', apply(engine) { engine.contribute({ name: 'greet', description: 'again' }); } }`,
    );
    expect(await tfo(twice, 'greet', 'ada', '--times', '1')).toBe(3);
    expect(err.join('')).toMatch(
      /TFO_ERR_PLUGIN_DUPLICATE: plugins "greeter" and "copycat" both contribute the command "tfo greet"/,
    );
    err.length = 0;
    const both = await repo(
      `{ name: 'a1', apply(e) { e.provide('audit', { record: async () => ({ recorded: true, problems: [], warnings: [] }) }); } },
       { name: 'a2', apply(e) { e.provide('audit', { record: async () => ({ recorded: true, problems: [], warnings: [] }) }); } }`,
    );
    expect(await tfo(both, 'greet', 'ada', '--times', '1')).toBe(3);
    expect(err.join('')).toMatch(/plugins "a1" and "a2" both provide the "audit" capability/);
  });

  it('a contributed command may not shadow a built-in one', async () => {
    const dir = await repo(
      `{ name: 'planner', apply(engine) { engine.contribute({ name: 'plan', description: 'mine' }); } }`,
    );
    expect(await tfo(dir, 'greet', 'ada', '--times', '1')).toBe(3);
    expect(err.join('')).toMatch(/plugin "planner" contributes the command "tfo plan", which is built in/);
    expect(closed()).toBe(1);
  });
});
