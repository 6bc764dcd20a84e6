import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { discoverDeployments } from '../src/discovery/discovery.js';
import { TfoError } from '../src/errors.js';
import { inputsText, snapshotInputs } from '../src/discovery/inputs-snapshot.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const config = configSchema.parse({
  deploymentsDir: 'deployments',
  rootModule: 'modules/app',
  accounts: { dev: { name: 'acme-dev', id: '111111111111' } },
});
const ORIGINAL = 'account_key = "dev"\nregion_code = "use1"\ns3_buckets = {\n  main = { name = "x" }\n}\n';
const EDITED = 'account_key = "dev"\nregion_code = "use1"\ns3_buckets = {\n  main = { name = "EDITED" }\n}\n';

async function workspace(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-inputs-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'modules/app'), { recursive: true });
  await writeFile(path.join(dir, 'modules/app/main.tf'), 'variable "x" {\n  default = 1\n}\n');
  const file = path.join(dir, 'deployments/web/web.tfvars');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, ORIGINAL);
  return { dir, file };
}

describe('inputs snapshot', () => {
  it('snapshots the bytes discovery read, not the file as it is later, mode 0600', async () => {
    const { dir, file } = await workspace();
    const { deployments } = await discoverDeployments({ config, cwd: dir });
    const d = deployments[0]!;
    expect(Buffer.from(d.tfvars!).toString('utf8')).toBe(ORIGINAL);
    expect(d.sha256).toBe(createHash('sha256').update(ORIGINAL).digest('hex'));

    await writeFile(file, EDITED); // edited after discovery, before the snapshot
    const runDir = path.join(dir, '.tfo/runs/r1');
    await snapshotInputs(deployments, () => path.join(runDir, 'web'));
    expect(d.inputsFile).toBe(path.join(runDir, 'web/inputs.tfvars'));
    expect(await readFile(d.inputsFile!, 'utf8')).toBe(ORIGINAL);
    expect((await stat(d.inputsFile!)).mode & 0o777).toBe(0o600);

    await unlink(file); // deleted: the run's inputs are still there
    expect(await inputsText(d)).toBe(ORIGINAL);
    expect(d.values).toMatchObject({ s3_buckets: { main: { name: 'x' } } });
  });

  it('a deployment built without its bytes is read once, and refused when it no longer matches its sha256', async () => {
    const { dir, file } = await workspace();
    const { deployments } = await discoverDeployments({ config, cwd: dir });
    const d = { ...deployments[0]!, tfvars: undefined };
    await snapshotInputs([d], () => path.join(dir, '.tfo/runs/r2/web'));
    expect(await readFile(d.inputsFile!, 'utf8')).toBe(ORIGINAL);

    const e = { ...deployments[0]!, tfvars: undefined };
    await writeFile(file, EDITED);
    const err = await snapshotInputs([e], () => path.join(dir, '.tfo/runs/r3/web')).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(TfoError);
    expect((err as TfoError).code).toBe('TFO_ERR_TFVARS_READ');
    expect((err as TfoError).message).toContain('deployments/web/web.tfvars: changed since it was discovered');
  });
});
