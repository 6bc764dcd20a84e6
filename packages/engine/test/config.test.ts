import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../src/config/config.js';
import { exitCodeFor, TfoError } from '../src/errors.js';

const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function folder(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function failure(options: { cwd: string; file?: string }): Promise<TfoError> {
  try {
    await loadConfig(options);
  } catch (err) {
    expect(err).toBeInstanceOf(TfoError);
    expect(exitCodeFor(err)).toBe(3);
    return err as TfoError;
  }
  throw new Error('expected loadConfig to throw');
}

/** A JSON config, one field a line (line 2 rootModule, then `extra`, then the accounts), so each line is known. */
function jsonConfig(extra: string[] = [], accounts = ['"dev": { "name": "acme-dev", "id": "111111111111" }']): string {
  const body = accounts.map((a, i) => `    ${a}${i < accounts.length - 1 ? ',' : ''}`);
  return ['{', '  "rootModule": "modules/app",', ...extra, '  "accounts": {', ...body, '  }', '}'].join('\n');
}

describe('loadConfig', () => {
  it('loads an orchestrator.config.ts with `export default { ... }` and TypeScript syntax, no build step', async () => {
    const dir = await folder({
      'orchestrator.config.ts': [
        'const workers: number = 3;',
        'export default {',
        "  rootModule: 'modules/app',",
        '  maxWorkers: workers,',
        "  accounts: { dev: { name: 'acme-dev', id: '111111111111' } },",
        '} satisfies Record<string, unknown>;',
        '',
      ].join('\n'),
    });
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.file).toBe(path.join(dir, 'orchestrator.config.ts'));
    expect(loaded.dir).toBe(dir);
    expect(loaded.config.rootModule).toBe('modules/app');
    expect(loaded.config.maxWorkers).toBe(3);
    expect(loaded.config.accounts.dev).toEqual({ name: 'acme-dev', id: '111111111111', allowedRegions: [] });
    // defaults are filled in
    expect(loaded.config.stateDir).toBe('.tfo');
    expect(loaded.config.recovery).toEqual({ mode: 'reapply', firstDeployment: 'destroy-created' });
  });

  it('loads a .json config, found by search or named explicitly', async () => {
    const dir = await folder({ 'orchestrator.config.json': jsonConfig(['  "timeoutSeconds": 60,']) });
    const found = await loadConfig({ cwd: dir });
    expect(found.file).toBe(path.join(dir, 'orchestrator.config.json'));
    expect(found.config.timeoutSeconds).toBe(60);
    const named = await loadConfig({ cwd: dir, file: 'orchestrator.config.json' });
    expect(named.config).toEqual(found.config);
  });

  it('a bad account id names the field path, what was expected, and file:line of "id"', async () => {
    const dir = await folder({
      'orchestrator.config.json': [
        '{',
        '  "rootModule": "modules/app",',
        '  "accounts": {',
        '    "dev": {',
        '      "name": "acme-dev",',
        '      "id": "12345"',
        '    }',
        '  }',
        '}',
      ].join('\n'),
    });
    const err = await failure({ cwd: dir });
    expect(err.code).toBe('TFO_ERR_CONFIG_INVALID');
    expect(err.message).toContain('accounts.dev.id');
    expect(err.message).toContain('12-digit AWS account id');
    expect(err.message).toContain('orchestrator.config.json:6');
    expect(err.line).toBe(6);
    expect(err.file).toBe(path.join(dir, 'orchestrator.config.json'));
  });

  it('the line of a bad field is the line under its own parent, not the first line naming the same field', async () => {
    // accounts.prod.id (line 4) is fine; accounts.dev.id (line 5) is not
    const dir = await folder({
      'orchestrator.config.json': jsonConfig(
        [],
        ['"prod": { "name": "acme-prod", "id": "222222222222" }', '"dev": { "name": "acme-dev", "id": "12" }'],
      ),
    });
    const err = await failure({ cwd: dir });
    expect(err.message).toContain('accounts.dev.id');
    expect(err.message).toContain('orchestrator.config.json:5');
    expect(err.line).toBe(5);
  });

  it('a wrong type names the field, the expected type, and the line', async () => {
    const dir = await folder({ 'orchestrator.config.json': jsonConfig(['  "maxWorkers": "four",']) });
    const err = await failure({ cwd: dir });
    expect(err.code).toBe('TFO_ERR_CONFIG_INVALID');
    expect(err.message).toMatch(/orchestrator\.config\.json:3 maxWorkers: .*expected number/i);
  });

  it('a bad field in a .ts config names its line too', async () => {
    const dir = await folder({
      'orchestrator.config.ts': [
        'export default {',
        "  rootModule: 'modules/app',",
        "  accounts: { dev: { name: 'acme-dev', id: '12' } },",
        '};',
      ].join('\n'),
    });
    const err = await failure({ cwd: dir });
    expect(err.message).toContain('orchestrator.config.ts:3 accounts.dev.id: a 12-digit AWS account id');
  });

  it('an unknown field is named, with its line', async () => {
    const dir = await folder({ 'orchestrator.config.json': jsonConfig(['  "maxWorker": 4,']) });
    const err = await failure({ cwd: dir });
    expect(err.code).toBe('TFO_ERR_CONFIG_INVALID');
    expect(err.message).toContain('maxWorker');
    expect(err.message).toMatch(/unrecognized key/i);
    expect(err.message).toContain('orchestrator.config.json:3');
    expect(err.line).toBe(3);
  });

  it('lists every problem, not only the first', () => {
    const file = path.join(os.tmpdir(), 'tfo-no-such-config.json');
    let err: unknown;
    try {
      validateConfig({ rootModule: '', accounts: { dev: { name: 'acme dev', id: 'x' } } }, file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TfoError);
    const message = (err as TfoError).message;
    expect(message).toContain('rootModule');
    expect(message).toContain('accounts.dev.name');
    expect(message).toContain('accounts.dev.id');
  });

  it('no config file: TFO_ERR_CONFIG_NOT_FOUND', async () => {
    const dir = await folder({ 'orchestrator.config.toml': 'nope' });
    const err = await failure({ cwd: dir });
    expect(err.code).toBe('TFO_ERR_CONFIG_NOT_FOUND');
    expect(err.message).toContain(dir);
    expect((await failure({ cwd: dir, file: 'missing.config.json' })).code).toBe('TFO_ERR_CONFIG_NOT_FOUND');
  });

  it('a config that throws when loaded (named explicitly): TFO_ERR_CONFIG_LOAD naming the file', async () => {
    const dir = await folder({ 'orchestrator.config.ts': "throw new Error('no credentials for the config');\n" });
    const err = await failure({ cwd: dir, file: 'orchestrator.config.ts' });
    expect(err.code).toBe('TFO_ERR_CONFIG_LOAD');
    expect(err.message).toContain('orchestrator.config.ts');
    expect(err.message).toContain('no credentials for the config');
  });

  it('a config that throws when loaded (found by search): TFO_ERR_CONFIG_LOAD naming the file', async () => {
    const dir = await folder({ 'orchestrator.config.ts': "throw new Error('no credentials for the config');\n" });
    const err = await failure({ cwd: dir });
    expect(err.code).toBe('TFO_ERR_CONFIG_LOAD');
    expect(err.message).toContain('no credentials for the config');
    expect(err.message).toContain('orchestrator.config.ts');
    expect(err.file).toBe(path.join(dir, 'orchestrator.config.ts'));
  });

  it('a JSON config with a syntax error: TFO_ERR_CONFIG_LOAD naming the file', async () => {
    const dir = await folder({ 'orchestrator.config.json': '{ "rootModule": "m", }' });
    const err = await failure({ cwd: dir, file: 'orchestrator.config.json' });
    expect(err.code).toBe('TFO_ERR_CONFIG_LOAD');
    expect(err.message).toContain('orchestrator.config.json');
  });
});

describe('config modules and hook deadlines', () => {
  it('a config module without a default export is one clear TFO_ERR_CONFIG_LOAD error saying what to write', async () => {
    const dir = await folder({ 'orchestrator.config.mjs': "export const config = { rootModule: 'modules/app' };\n" });
    const err = await failure({ cwd: dir });
    expect(err.code).toBe('TFO_ERR_CONFIG_LOAD');
    expect(err.message).toBe(
      `${path.join(dir, 'orchestrator.config.mjs')} has no default export (it exports only \`config\`): ` +
        "write `export default defineConfig({ ... })` (defineConfig from '@tfo/engine'), or `export default { ... }`",
    );
    expect(err.message).not.toContain('Required');
  });

  it('hookTimeoutSeconds takes a default and any hook, in whole seconds; an unknown hook is named', () => {
    const base = { rootModule: 'm', accounts: { dev: { name: 'acme-dev', id: '111111111111' } } };
    expect(validateConfig({ ...base }, 'c.json').hookTimeoutSeconds).toEqual({});
    expect(
      validateConfig({ ...base, hookTimeoutSeconds: { default: 60, audit: 10 } }, 'c.json').hookTimeoutSeconds,
    ).toEqual({ default: 60, audit: 10 });
    expect(() => validateConfig({ ...base, hookTimeoutSeconds: { valdiate: 5 } }, 'c.json')).toThrow(
      /hookTimeoutSeconds\.valdiate: Unrecognized key/,
    );
    expect(() => validateConfig({ ...base, hookTimeoutSeconds: { plan: 0 } }, 'c.json')).toThrow(
      /hookTimeoutSeconds\.plan/,
    );
  });
});
