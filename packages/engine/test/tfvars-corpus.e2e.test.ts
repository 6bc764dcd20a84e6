import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCorpus } from '../../../scripts/lib/estate.mjs';
import { variableDefaults } from '../../../scripts/lib/variable-defaults.mjs';
import { parseTfvars } from '../src/discovery/tfvars.js';
import { resolveTerraformBinary } from '../src/terraform/terraform.js';

/**
 * tfvars written the way public modules write constants: every `default` of every variable in the
 * terraform-aws-modules corpus (../shared/corpus, or $TFO_CORPUS), nobody's on this project, as one
 * tfvars file. terraform reads it once (one apply with no resources, every value through
 * `jsonencode`); tfo's parser must read every value the same.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.join(requireCorpus(HERE), 'terraform-aws-modules');

/** Object keys in one order: terraform's jsonencode sorts them, a tfvars file need not. */
const sorted = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sorted)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, x]) => [k, sorted(x)]),
        )
      : v;

let dir: string;
let names: Array<{ name: string; where: string; expression: string }>;
let mine: Record<string, unknown>;
let terraforms: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tfo-tfvars-corpus-'));
  // one name per module folder and variable: two modules may both have `tags`
  names = (await variableDefaults(CORPUS)).flatMap((m, i) =>
    m.defaults.map(([name, expression]) => ({ name: `m${i}_${name}`, where: `${m.dir}: ${name}`, expression })),
  );
  const tfvars = names.map((n) => `${n.name} = ${n.expression}\n`).join('');
  await writeFile(path.join(dir, 'corpus.tfvars'), tfvars);
  await writeFile(
    path.join(dir, 'main.tf'),
    names.map((n) => `variable "${n.name}" {}\n`).join('') +
      `output "all" {\n  value = jsonencode({\n${names.map((n) => `    ${n.name} = var.${n.name}\n`).join('')}  })\n}\n`,
  );
  const bin = resolveTerraformBinary('auto', dir);
  const env = { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  await execa(bin, ['init', '-input=false', '-no-color'], { cwd: dir, env });
  await execa(bin, ['apply', '-auto-approve', '-input=false', '-no-color', '-var-file=corpus.tfvars'], {
    cwd: dir,
    env,
    maxBuffer: 1 << 28,
  });
  const out = await execa(bin, ['output', '-raw', 'all'], { cwd: dir, env, maxBuffer: 1 << 28 });
  terraforms = JSON.parse(out.stdout) as Record<string, unknown>;
  mine = await parseTfvars(await readFile(path.join(dir, 'corpus.tfvars'), 'utf8'), 'corpus.tfvars');
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('tfvars of the public module corpus', () => {
  it('holds thousands of values, most of them maps and lists', () => {
    expect(names.length).toBeGreaterThan(4000);
    expect(names.filter((n) => /^[[{<]/.test(n.expression)).length).toBeGreaterThan(2500);
  });

  it('tfo reads every value as terraform reads it', () => {
    expect(Object.keys(mine).sort()).toEqual(Object.keys(terraforms).sort());
    const differ = names
      .filter((n) => !isDeepStrictEqual(sorted(mine[n.name]), sorted(terraforms[n.name])))
      .map((n) => `${n.where}: tfo ${JSON.stringify(mine[n.name])} terraform ${JSON.stringify(terraforms[n.name])}`);
    expect(differ).toEqual([]);
  });
});
