import { describe, it, expect } from 'vitest';
import { TfoError } from '../src/errors.js';
import { createTfvarsParser, findAttributeLine, parseTfvars } from '../src/discovery/tfvars.js';
import type { TfvarsReply, TfvarsTask } from '../src/discovery/tfvars.worker.js';
import { WorkerPool, workerPath } from '../src/run/worker-pool.js';

async function failure(text: string, file = 'deployments/app/bad.tfvars'): Promise<TfoError> {
  try {
    await parseTfvars(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(TfoError);
    return err as TfoError;
  }
  throw new Error('expected parseTfvars to throw');
}

describe('parseTfvars', () => {
  it('returns literal values of every HCL type', async () => {
    const text = [
      '# comment',
      'name    = "app"',
      'count   = 3',
      'ratio   = 1.5',
      'enabled = true',
      'nothing = null',
      'list    = ["a", "b"]',
      's3_buckets = {',
      '  "logs-bucket" = {',
      '    account_key = "dev"',
      '    tags        = { team = "platform" }',
      '  }',
      '}',
      'doc = <<EOT',
      'hello',
      'EOT',
      '',
    ].join('\n');
    await expect(parseTfvars(text, 'a.tfvars')).resolves.toEqual({
      name: 'app',
      count: 3,
      ratio: 1.5,
      enabled: true,
      nothing: null,
      list: ['a', 'b'],
      s3_buckets: { 'logs-bucket': { account_key: 'dev', tags: { team: 'platform' } } },
      doc: 'hello\n',
    });
  });

  it('parses an empty file to no values', async () => {
    await expect(parseTfvars('', 'empty.tfvars')).resolves.toEqual({});
  });

  it('undoes template escapes: "$${x}" is the literal ${x}', async () => {
    await expect(parseTfvars('a = "$${x} and 100%%{y}"\n', 'a.tfvars')).resolves.toEqual({ a: '${x} and 100%{y}' });
  });

  it('reports a syntax error with file, line and column', async () => {
    const err = await failure('a = 1\nb = \nc = 2\n');
    expect(err.code).toBe('TFO_ERR_TFVARS_SYNTAX');
    expect(err.file).toBe('deployments/app/bad.tfvars');
    expect(err.line).toBe(2);
    expect(err.column).toBe(5);
    expect(err.message).toMatch(/^deployments\/app\/bad\.tfvars:2:5: Invalid expression/);
    expect(err.message).not.toContain('parse config');
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('keeps only the first diagnostic when the parser reports several', async () => {
    const err = await failure('ok = 1\na = "abc\n');
    expect(err.line).toBe(2);
    expect(err.message.match(/bad\.tfvars:/g)).toHaveLength(1);
  });

  it('reports an attribute set twice at the second one', async () => {
    const err = await failure('a = 1\n\na = 2\n');
    expect(err.line).toBe(3);
    expect(err.message).toContain('Attribute redefined');
  });

  it('rejects an interpolation, naming file and line', async () => {
    const err = await failure('name = "app"\nbucket = "logs-${var.env}"\n');
    expect(err.code).toBe('TFO_ERR_TFVARS_SYNTAX');
    expect(err.line).toBe(2);
    expect(err.column).toBe(18);
    expect(err.message).toMatch(/^deployments\/app\/bad\.tfvars:2:18: bucket is not a literal value/);
  });

  it('rejects a function call nested in an object, at its own line', async () => {
    const err = await failure('s3_buckets = {\n  b = {\n    name = "x"\n    tags = upper("y")\n  }\n}\n');
    expect(err.line).toBe(4);
    expect(err.message).toContain('s3_buckets.b.tags');
    expect(err.message).toContain('upper');
  });

  it('rejects a bare reference and an expression in a list', async () => {
    expect((await failure('a = var.x\n')).line).toBe(1);
    const inList = await failure('x = 1\nids = ["a", local.b]\n');
    expect(inList.line).toBe(2);
    expect(inList.message).toContain('ids');
  });

  it('gives a line and a column for every error, counting a BOM as nothing and a CR LF as one newline', async () => {
    const cases: [string, number, number][] = [
      ['\ufeffa = 1 +\n', 1, 7],
      ['a = 1\r\nb = "x\\q"\r\n', 2, 7],
      ['a = { "é" = "ü" b = 1 }\n', 1, 17],
      ['a = 1\nb = [1, 2\n', 2, 5],
      ['a = <<EOT\nno end\n', 3, 1],
      [`a = ${'['.repeat(300)}\n`, 1, 261],
      ['a = 1 # fine\n"b" = 2\n', 2, 1],
    ];
    for (const [text, line, column] of cases) {
      const err = await failure(text);
      expect([err.line, err.column], JSON.stringify(text)).toEqual([line, column]);
      expect(err.message.startsWith(`deployments/app/bad.tfvars:${line}:${column}: `)).toBe(true);
    }
  });

  it('keeps a "__proto__" key as data', async () => {
    const v = await parseTfvars('m = { __proto__ = { polluted = true }, k = 1 }\n', 'a.tfvars');
    expect(Object.keys(v['m'] as object)).toEqual(['__proto__', 'k']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects a block: tfvars hold attributes only', async () => {
    const err = await failure('a = 1\ns3_buckets {\n  x = 1\n}\n');
    expect(err.line).toBe(2);
    expect(err.message).toContain('block');
  });
});

describe('findAttributeLine', () => {
  const text = [
    's3_buckets = {',
    '  a = {',
    '    region_code = "use1"',
    '  }',
    '  "b" = { account_key = "dev" }',
    '}',
    'account_key = "top"',
  ].join('\n');

  it('finds a top-level attribute, preferring an unindented one', () => {
    expect(findAttributeLine(text, ['account_key'])).toBe(7);
    expect(findAttributeLine(text, ['s3_buckets'])).toBe(1);
  });

  it('follows a nested path, including quoted keys and inline objects', () => {
    expect(findAttributeLine(text, ['s3_buckets', 'a', 'region_code'])).toBe(3);
    expect(findAttributeLine(text, ['s3_buckets', 'b', 'account_key'])).toBe(5);
  });

  it('returns undefined for an absent top-level key', () => {
    expect(findAttributeLine(text, ['missing'])).toBeUndefined();
  });
});

describe('createTfvarsParser', () => {
  it('gives the same values and errors through the worker pool as on this thread', async () => {
    const pool = new WorkerPool(2);
    const worker = workerPath(new URL('../src/discovery/tfvars.ts', import.meta.url).href, 'tfvars.worker');
    const parser = createTfvarsParser((task) => pool.run<TfvarsTask, TfvarsReply>(worker, task));
    try {
      const texts = Array.from({ length: 12 }, (_, i) => `n = ${i}\nm = { k = ["v${i}"], e = "$\${x}" }\n`);
      const threaded = await Promise.all(texts.map((t, i) => parser.parse(t, `f${i}.tfvars`)));
      const direct = await Promise.all(texts.map((t, i) => parseTfvars(t, `f${i}.tfvars`)));
      expect(threaded).toEqual(direct);
      expect(threaded[3]).toEqual({ n: 3, m: { k: ['v3'], e: '${x}' } });
      const bad = await parser.parse('a = 1\nb = \n', 'x/bad.tfvars').catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(TfoError);
      expect((bad as TfoError).message).toMatch(/^x\/bad\.tfvars:2:5: Invalid expression/);
      expect((bad as TfoError).column).toBe(5);
      const call = await parser.parse('a = max(1, 2)\n', 'x/call.tfvars').catch((e: unknown) => e);
      expect((call as TfoError).line).toBe(1);
    } finally {
      await pool.destroy();
    }
  });
});
