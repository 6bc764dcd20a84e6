import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine } from '@tfo/engine';
import { startedWith } from '../../../test/ci-env.js';
import type { Style } from '../src/render/style.js';

const engines: Engine[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

const plain: Style = {
  color: false,
  bold: (s) => s,
  dim: (s) => s,
  red: (s) => s,
  green: (s) => s,
  yellow: (s) => s,
  cyan: (s) => s,
};

/** What the progress writes to a terminal for one stage event, in a process started with `vars`. */
async function progressUnder(vars: Record<string, string>): Promise<string> {
  startedWith(vars);
  const { attachProgress } = await import('../src/render/progress.js');
  const config = configSchema.parse({
    deploymentsDir: 'deployments',
    rootModule: 'modules/app',
    accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
  });
  const engine = new Engine(resolveSettings(config, os.tmpdir()), []);
  engines.push(engine);
  let out = '';
  const terminal = {
    isTTY: true,
    columns: 120,
    write: (text: string) => ((out += text), true),
  } as unknown as NodeJS.WriteStream;
  const detach = attachProgress(engine, terminal, plain);
  engine.events.emit('deployment:stage', { key: 's3/dev/eu/api', file: 'a.tfvars', stage: 'plan', lane: 0, at: 0 });
  detach();
  return out;
}

// a terminal gets the live view (running deployments and a summary, redrawn); a CI log, a line per event
const LIVE = /^ {2}plan {5}s3\/dev\/eu\/api .*\n {2}0\/0 done, 1 running\n/;
const LINE = /^\d\d:\d\d:\d\d plan {5}s3\/dev\/eu\/api\n$/;

describe('progress on a terminal: live view unless ci-info detects a CI', () => {
  it('CI=true: plain lines', async () => {
    expect(await progressUnder({ CI: 'true' })).toMatch(LINE);
  });

  it('GITHUB_ACTIONS=true (no CI variable): plain lines', async () => {
    expect(await progressUnder({ GITHUB_ACTIONS: 'true' })).toMatch(LINE);
  });

  it('neither: the live view', async () => {
    expect(await progressUnder({})).toMatch(LIVE);
  });

  it('CI=false: the live view', async () => {
    expect(await progressUnder({ CI: 'false' })).toMatch(LIVE);
  });
});
