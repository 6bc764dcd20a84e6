import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, SLOW_MODULE, slowRepo, slowTfvars, tfo, writeConfig } from './support.js';

/** Every bad input: exit 3, a message naming the file (and line), and nothing planned or applied. */
async function expectInputError(dir: string, pattern: RegExp, args = ['apply']): Promise<string> {
  const out = await tfo(args, dir);
  expect(out.exitCode, out.all).toBe(3);
  expect(out.stderr).toMatch(pattern);
  expect(existsSync(path.join(dir, '.tfo/state'))).toBe(false);
  expect(existsSync(path.join(dir, '.tfo/runs'))).toBe(false);
  return out.stderr;
}

describe('bad input is refused before anything runs', () => {
  it('a tfvars file with an HCL syntax error names the file and line', async () => {
    const dir = await slowRepo({
      'dev/ok/ok.tfvars': slowTfvars({ a: {} }),
      'dev/broken/broken.tfvars': 'account_key = "dev"\nregion_code = "use1"\ns3_buckets = {\n  a = {\n}\n',
    });
    await expectInputError(dir, /TFO_ERR_TFVARS_SYNTAX.*deployments\/dev\/broken\/broken\.tfvars:\d+/);
  });

  it('an unknown account key names the file, the line and the known keys', async () => {
    const dir = await slowRepo({ 'x/p/p.tfvars': slowTfvars({ a: {} }, 'qa') });
    const err = await expectInputError(dir, /TFO_ERR_UNKNOWN_ACCOUNT.*p\.tfvars:1/);
    expect(err).toMatch(/dev/);
  });

  it('a region its account does not allow is refused', async () => {
    const dir = await slowRepo({ 'dev/p/p.tfvars': slowTfvars({ a: {} }).replace('use1', 'apne1') });
    await expectInputError(dir, /TFO_ERR_REGION_NOT_ALLOWED.*p\.tfvars:2/);
  });

  it('two files that map to one state key are named together', async () => {
    const dir = await slowRepo({
      'a/same/same.tfvars': slowTfvars({ a: {} }),
      'b/same/same.tfvars': slowTfvars({ b: {} }),
    });
    await expectInputError(dir, /TFO_ERR_DUPLICATE_KEY[\s\S]*a\/same\/same\.tfvars[\s\S]*b\/same\/same\.tfvars/);
  });

  it('a missing root module is named', async () => {
    const dir = await slowRepo({ 'dev/p/p.tfvars': slowTfvars({ a: {} }) });
    await writeConfig(dir, { deploymentsDir: 'deployments', rootModule: 'modules/nope', accounts: ACCOUNTS });
    await expectInputError(dir, /TFO_ERR_ROOT_MODULE_MISSING.*modules\/nope/);
  });

  it('an invalid config names the field, what is expected, and the line', async () => {
    const dir = await slowRepo({ 'dev/p/p.tfvars': slowTfvars({ a: {} }) });
    await writeConfig(dir, {
      deploymentsDir: 'deployments',
      rootModule: SLOW_MODULE,
      accounts: { dev: { name: 'acme-dev', id: '1234' } },
      maxWorkers: 'many',
    });
    const err = await expectInputError(dir, /TFO_ERR_CONFIG_INVALID/);
    expect(err).toMatch(/orchestrator\.config\.json:\d+ accounts\.dev\.id: a 12-digit AWS account id/);
    expect(err).toMatch(/maxWorkers/);
  });

  it('a TypeScript config with an unknown field is refused with its path', async () => {
    const dir = await slowRepo({ 'dev/p/p.tfvars': slowTfvars({ a: {} }) });
    await writeFile(path.join(dir, 'orchestrator.config.json'), '');
    await writeFile(
      path.join(dir, 'orchestrator.config.ts'),
      `const config: Record<string, unknown> = {\n  rootModule: 'm',\n  accounts: { dev: { name: 'd', id: '111111111111' } },\n  maxWorkerz: 3,\n};\nexport default config;\n`,
    );
    await expectInputError(dir, /TFO_ERR_CONFIG_INVALID[\s\S]*orchestrator\.config\.ts:4[\s\S]*maxWorkerz/, [
      'apply',
      '--config',
      'orchestrator.config.ts',
    ]);
  });

  it('terraform that is not installed is a clear error', async () => {
    const dir = await slowRepo({ 'dev/p/p.tfvars': slowTfvars({ a: {} }) });
    await writeConfig(dir, {
      deploymentsDir: 'deployments',
      rootModule: SLOW_MODULE,
      accounts: ACCOUNTS,
      terraformBinary: 'terraform-not-here',
    });
    await expectInputError(dir, /TFO_ERR_TERRAFORM_MISSING.*terraform-not-here/);
  });

  it('a bad flag is a usage error', async () => {
    const dir = await slowRepo({ 'dev/p/p.tfvars': slowTfvars({ a: {} }) });
    await expectInputError(dir, /max-workers|positive integer/, ['apply', '--max-workers', 'zero']);
  });
});
