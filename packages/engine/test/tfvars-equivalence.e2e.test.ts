import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TfoError } from '../src/errors.js';
import { resolveTerraformBinary } from '../src/terraform/terraform.js';
import { parseTfvars } from '../src/discovery/tfvars.js';

/**
 * What tfo reads from a tfvars file must be what terraform reads from it. Each corpus below is
 * written to a folder and read by terraform once (every file a `-var-file`); each case is then
 * parsed by tfo and compared with terraform's reading: values through `jsonencode` outputs,
 * errors through terraform's JSON diagnostics (file, line, column, summary).
 *
 * In a case's text `@name` is a top-level variable: it becomes `cNN_name`, so that names are
 * unique across the corpus (terraform keeps the last file's value of a name).
 */
interface Case {
  name: string;
  text: string;
}

const BOM = '\ufeff';

const VALUES: Case[] = [
  {
    name: 'scalars',
    text: [
      '@str     = "plain"',
      '@empty   = ""',
      '@int     = 42',
      '@neg     = -17',
      '@float   = 3.25',
      '@exp     = 1.5e3',
      '@negexp  = -2E-2',
      '@big     = 12345678901234567890123',
      '@yes     = true',
      '@no      = false',
      '@nothing = null',
      '@hashes  = "# not a comment // nor this /* nor */"',
      '',
    ].join('\n'),
  },
  {
    name: 'escapes',
    text:
      '@esc = "line\\nnext \\"q\\" back\\\\slash tab\\t cr\\r \\u00e9 \\U0001F600 $${not} %%{nor} $$ lone $ and % signs"\n' +
      '@dollar_end = "cost: 5$"\n',
  },
  {
    name: 'unicode',
    text: '@uni = "Zürich — 東京 😀"\n@decomposed = "cafe\u0301"\n@keys = { "clé" = 1, ключ = 2, "ü-ñ" = "ø" }\n',
  },
  {
    name: 'heredocs',
    text: [
      '@plain = <<EOT',
      '  indented $${kept} %%{kept}',
      'trailing spaces   ',
      '',
      'EOT',
      '@flush = <<-POLICY',
      '    {',
      '      "Version": "2012-10-17"',
      '',
      '        "deeper": true',
      '    }',
      '    POLICY',
      '@nested = { doc = <<-EOT',
      '    one',
      '  two',
      '  EOT',
      '}',
      '@empty_doc = <<EOT',
      'EOT',
      '',
    ].join('\n'),
  },
  {
    name: 'nested',
    text: [
      '@buckets = {',
      '  "logs-bucket" = {',
      '    account_key = "dev"',
      '    tags        = { team = "platform", "cost/center" = "cc-1", }',
      '    rules = [',
      '      { id = "a", days = 30, enabled = true, prefix = null },',
      '      { id = "b", days = 90,',
      '        enabled = false },',
      '    ]',
      '    matrix: [[1, 2], [], [3, [4, 5]]]',
      '    empty  = {}',
      '  }',
      '  data = {',
      '    "quoted key" = "v"',
      '    (  "paren-key" ) = 1',
      '    7 = "number key"',
      '    null = "null as a key"',
      '  }',
      '}',
      '@list = [',
      '  "a",',
      '  "b"',
      '  ,"c",',
      ']',
      '@dupes = { k = 1, k = 2 }',
      '@paren = (5)',
      '',
    ].join('\n'),
  },
  {
    name: 'comments',
    text: [
      '# hash comment',
      '// slash comment',
      '/* block',
      '   comment */ @a = 1 # after a value',
      '@b = { # in an object',
      '  x = 1 // after x',
      '  /* before y */ y = 2',
      '}',
      '@c = [ /* in a list */ 1, # and',
      '  2 // here',
      ']',
      '@d = "no newline at the end"',
    ].join('\n'),
  },
  {
    name: 'crlf',
    text: '@a = "x"\r\n@doc = <<-EOT\r\n    one\r\n\r\n      two\r\n    EOT\r\n@obj = {\r\n  k = [1,\r\n    2]\r\n}\r\n',
  },
  { name: 'bom', text: `${BOM}@first = "after a byte order mark"\n@second = 2\n` },
  {
    name: 'more-numbers-and-tabs',
    text: '@spaced_minus = - 5\n@leading_zero = 007\n@tabbed = <<-EOT\n\t\tdeep\n\tless\n\tEOT\n@only_escape = "\\\\"\n',
  },
  { name: 'only-comments', text: '# nothing here\n/* at all */\n' },
];

/** Constant expressions terraform computes and tfo refuses (literal values only), at `at`. */
const REFUSED: (Case & { at: string })[] = [
  { name: 'sum', text: '@sum = 1 + 2\n', at: '+' },
  { name: 'conditional', text: '@cond = true ? "a" : "b"\n', at: '?' },
  { name: 'interpolated-constant', text: '@tmpl = "v${1}"\n', at: '1}' },
  { name: 'directive', text: '@dir = "%{ if true }x%{ endif }"\n', at: 'if' },
  { name: 'for', text: '@for = [for x in [1, 2] : x]\n', at: 'for x' },
];

const SYNTAX: Case[] = [
  { name: 'missing-value', text: '@a = 1\n@b = \n@c = 2\n' },
  { name: 'multi-line-string', text: '@ok = 1\n@a = "abc\n' },
  { name: 'redefined', text: '@a = 1\n\n@a = 2\n' },
  { name: 'block', text: '@a = 1\n@s3_buckets {\n  x = 1\n}\n' },
  { name: 'bad-escape', text: '@a = "bad \\q escape"\n' },
  { name: 'short-unicode-escape', text: '@a = 1\r\n@b = "\\uZZZZ"\r\n' },
  { name: 'open-object', text: '@a = {\n  b = 1\n' },
  { name: 'open-tuple', text: '@a = [1, 2\n' },
  { name: 'two-values', text: '@a = "x" "y"\n' },
  { name: 'open-heredoc', text: '@a = <<EOT\nnever closed\n' },
  { name: 'object-separator', text: '@a = { k = 1 k2 = 2 }\n' },
  { name: 'quoted-name', text: '"quoted" = 1\n' },
  { name: 'open-comment', text: '@a = /* open\n' },
  { name: 'unicode-before-error', text: '@u = { "ü" = "ö" x = 1 }\n' },
  { name: 'tuple-separator', text: '@a = [1 2]\n' },
  { name: 'no-equals-in-object', text: '@a = {\n  b\n}\n' },
  { name: 'top-level-comma', text: '@a = 1,\n@b = 2\n' },
  { name: 'extra-bracket', text: '@a = [1, 2]]\n' },
  { name: 'second-equals', text: '@a = 1 = 2\n' },
  { name: 'number-then-letters', text: '@a = 12abc\n' },
];

const NOT_LITERAL: Case[] = [
  { name: 'reference-in-template', text: '@name = "app"\n@bucket = "logs-${var.env}"\n' },
  { name: 'call-in-object', text: '@s3 = {\n  b = {\n    tags = upper("y")\n  }\n}\n' },
  { name: 'bare-reference', text: '@a = var.x\n' },
  { name: 'reference-in-list', text: '@x = 1\n@ids = ["a", local.b]\n' },
  { name: 'unicode-then-reference', text: '@b = "ü ${x}"\n' },
  { name: 'negated-reference', text: '@a = -x\n' },
  { name: 'call-in-heredoc', text: '@a = <<-EOT\n  ok ${upper("x")}\n  EOT\n' },
];

/** Where tfo's summary differs from terraform's (same line and column). */
const OWN_SUMMARY: Record<string, string> = { 'open-comment': 'Unterminated comment' };

interface Written {
  file: string;
  text: string;
  keys: string[];
}

function writeCorpus(dir: string, cases: readonly Case[]): Promise<Written[]> {
  return Promise.all(
    cases.map(async (c, n) => {
      const prefix = `c${String(n).padStart(2, '0')}_`;
      const keys: string[] = [];
      const text = c.text.replace(/@([A-Za-z_][\w-]*)/g, (_, k: string) => {
        if (!keys.includes(prefix + k)) keys.push(prefix + k);
        return prefix + k;
      });
      const file = `${String(n).padStart(2, '0')}-${c.name}.tfvars`;
      await writeFile(path.join(dir, file), text);
      return { file, text, keys };
    }),
  );
}

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number; column: number } };
}

/** Runs terraform once over `written`: its JSON log lines. Variables of every key, each output as JSON. */
async function terraformReads(dir: string, written: readonly Written[], command: 'apply' | 'plan'): Promise<unknown[]> {
  const keys = written.flatMap((w) => w.keys);
  const tf = keys
    .map((k) => `variable "${k}" {\n  type = any\n}\noutput "${k}" {\n  value = jsonencode(var.${k})\n}\n`)
    .join('');
  await writeFile(path.join(dir, 'main.tf'), tf);
  const bin = resolveTerraformBinary('auto', dir);
  const args = [command, '-json', '-input=false', '-no-color', ...(command === 'apply' ? ['-auto-approve'] : [])];
  const out = await execa(bin, [...args, ...written.map((w) => `-var-file=${w.file}`)], {
    cwd: dir,
    reject: false,
    env: { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
  });
  return out.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as unknown);
}

function diagnostics(log: readonly unknown[]): Diagnostic[] {
  return log
    .map((e) => (e as { diagnostic?: Diagnostic }).diagnostic)
    .filter((d): d is Diagnostic => d !== undefined && d.severity === 'error');
}

function firstError(log: readonly unknown[], file: string): Diagnostic {
  const found = diagnostics(log).find((d) => d.range?.filename === file);
  if (!found) throw new Error(`terraform reported no error for ${file}: ${JSON.stringify(diagnostics(log))}`);
  return found;
}

async function tfoError(w: Written): Promise<TfoError> {
  const err = await parseTfvars(w.text, w.file).catch((e: unknown) => e);
  expect(err, `${w.file}: tfo accepted what terraform refuses`).toBeInstanceOf(TfoError);
  return err as TfoError;
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'tfo-tfvars-eq-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function corpusDir(name: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

describe('tfvars as terraform reads them', () => {
  it('parses every value as terraform does, and refuses the constant expressions terraform would compute', async () => {
    const dir = await corpusDir('values');
    const written = await writeCorpus(dir, [...VALUES, ...REFUSED]);
    const log = await terraformReads(dir, written, 'apply');
    expect(diagnostics(log)).toEqual([]);
    const outputs = log
      .map((e) => e as { type?: string; outputs?: Record<string, { value?: string }> })
      .filter((e) => e.type === 'outputs' && Object.values(e.outputs ?? {}).some((o) => o.value !== undefined))
      .at(-1)?.outputs;
    expect(outputs).toBeDefined();
    const terraformValue = (key: string): unknown => JSON.parse(outputs![key]!.value!);

    for (const w of written.slice(0, VALUES.length)) {
      const ours = await parseTfvars(w.text, w.file);
      expect(Object.keys(ours), w.file).toEqual(w.keys);
      for (const key of w.keys) expect(ours[key], `${w.file}: ${key}`).toEqual(terraformValue(key));
    }
    for (const [n, w] of written.slice(VALUES.length).entries()) {
      for (const key of w.keys) expect(terraformValue(key), `${w.file}: terraform computes ${key}`).not.toBeNull();
      const err = await tfoError(w);
      expect(err.code).toBe('TFO_ERR_TFVARS_SYNTAX');
      const at = w.text.indexOf(REFUSED[n]!.at);
      expect([err.line, err.column], w.file).toEqual([1, at + 1]);
      expect(err.message).toMatch(new RegExp(`^${w.file}:${err.line}:${err.column}: .*not a literal value`));
    }
  });

  it('reports a syntax error at the line and column terraform reports, with its summary', async () => {
    const dir = await corpusDir('syntax');
    const written = await writeCorpus(dir, SYNTAX);
    const log = await terraformReads(dir, written, 'plan');
    for (const [n, w] of written.entries()) {
      const theirs = firstError(log, w.file);
      const err = await tfoError(w);
      expect(err.code).toBe('TFO_ERR_TFVARS_SYNTAX');
      expect({ file: err.file, line: err.line, column: err.column }, `${w.file}: ${theirs.summary}`).toEqual({
        file: w.file,
        line: theirs.range!.start.line,
        column: theirs.range!.start.column,
      });
      const summary = OWN_SUMMARY[SYNTAX[n]!.name] ?? theirs.summary;
      expect(err.message.startsWith(`${w.file}:${err.line}:${err.column}: ${summary}`), err.message).toBe(true);
    }
  });

  it('refuses references and function calls where terraform does, naming them as terraform does', async () => {
    const dir = await corpusDir('not-literal');
    const written = await writeCorpus(dir, NOT_LITERAL);
    const log = await terraformReads(dir, written, 'plan');
    for (const w of written) {
      const theirs = firstError(log, w.file);
      const err = await tfoError(w);
      expect(err.code).toBe('TFO_ERR_TFVARS_SYNTAX');
      expect([err.line, err.column], `${w.file}: ${theirs.summary}`).toEqual([
        theirs.range!.start.line,
        theirs.range!.start.column,
      ]);
      expect(err.message).toContain(`not a literal value (${theirs.summary})`);
    }
  });
});
