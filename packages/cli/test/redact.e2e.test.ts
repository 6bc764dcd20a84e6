import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, tempDir } from './support.js';

// fabricated secrets, built from parts at runtime
const KNOWN_A = 'corp-' + 'vault-' + 'Q7mZp2Lx';
const KNOWN_B = 'second ' + 'secret ' + 'with spaces';
const PLAN_PW = 'plan-' + 'db-' + 'Vw3nR8tY';
const PLAN_VAR = 'tfvar-' + 'api-' + 'K5sD1fG9';
const STATE_OUT = 'state-' + 'out-' + 'H2jK4lM6';
const STATE_ATTR = 'state-' + 'attr-' + 'P9oI8uY7';
const SHOW_OUT = 'show-' + 'out-' + 'B3vC5xZ1';
const GH = 'gh' + 'p_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';

const PLAN = {
  format_version: '1.2',
  variables: { api_key: { value: PLAN_VAR }, name: { value: 'orders' } },
  configuration: { root_module: { variables: { api_key: { sensitive: true }, name: {} } } },
  resource_changes: [
    {
      address: 'aws_db_instance.main',
      change: {
        actions: ['create'],
        before: null,
        after: { identifier: 'orders-db', password: PLAN_PW },
        after_sensitive: { password: true },
      },
    },
  ],
};

const STATE_FILE = {
  version: 4,
  outputs: { token: { value: STATE_OUT, type: 'string', sensitive: true }, name: { value: 'orders', type: 'string' } },
  resources: [
    {
      mode: 'managed',
      type: 'aws_db_instance',
      name: 'main',
      instances: [
        {
          attributes: { identifier: 'orders-db', password: STATE_ATTR },
          sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]],
        },
      ],
    },
  ],
};

const SHOWN_STATE = {
  format_version: '1.0',
  values: { outputs: { conn: { sensitive: true, value: SHOW_OUT } }, root_module: { resources: [] } },
};

const tfo = (args: string[], cwd: string, input: string) =>
  execa('node', [BIN, 'redact', ...args], {
    cwd,
    input,
    reject: false,
    stripFinalNewline: false,
    env: { NO_COLOR: '1' },
  });

describe('tfo redact', () => {
  it('removes known secrets, plan and state sensitive values and patterns, in a folder with no tfo config', async () => {
    const dir = await tempDir('tfo-redact-');
    await writeFile(path.join(dir, 'a.txt'), `${KNOWN_A}\r\n\r\n   \r\n`);
    await writeFile(path.join(dir, 'b.txt'), `\n${KNOWN_B}\n`);
    await writeFile(path.join(dir, 'plan.json'), JSON.stringify(PLAN));
    await writeFile(path.join(dir, 'state.json'), JSON.stringify(STATE_FILE));
    await writeFile(path.join(dir, 'shown.json'), JSON.stringify(SHOWN_STATE));
    const secrets = [KNOWN_A, KNOWN_B, PLAN_PW, PLAN_VAR, STATE_OUT, STATE_ATTR, SHOW_OUT, GH];
    const lines = secrets.map((s, i) => `2026-12-07T19:00:0${i}.0000000Z step ${i}: value ${s} end`);
    const input = ['aws_db_instance.main: Creating... [name=orders]', ...lines, 'Plan: 1 to add.', ''].join('\n');
    const args = ['--known-secrets', 'a.txt', '--known-secrets', 'b.txt', '--plan', 'plan.json'];
    args.push('--state', 'state.json', '--state', 'shown.json');
    for (const workers of ['0', '2']) {
      const out = await tfo([...args, '--workers', workers], dir, input);
      expect(out.exitCode, out.stderr).toBe(0);
      expect(out.stderr).toBe('');
      for (const s of secrets) expect(out.stdout).not.toContain(s);
      expect(out.stdout).toContain('aws_db_instance.main: Creating... [name=orders]');
      expect(out.stdout).toContain('step 3: value *** end');
      expect(out.stdout).toContain('Plan: 1 to add.');
      expect(out.stdout.split('\n')).toHaveLength(input.split('\n').length);
    }
  });

  it('passes lines on while its input is still open', async () => {
    const child = spawn('node', [BIN, 'redact'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stdin.write(`first line ${GH}\n`);
    const deadline = Date.now() + 10_000;
    while (!out.includes('first line') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(out).toBe('first line ***\n');
    child.stdin.end('second line\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toBe('first line ***\nsecond line\n');
  });

  it('refuses a malformed or missing --plan file: exit 2, the file (and line) named, nothing on stdout', async () => {
    const dir = await tempDir('tfo-redact-');
    await writeFile(path.join(dir, 'bad.json'), '{\n  "format_version": "1.2",\n  "variables": {,\n}\n');
    const bad = await tfo(['--plan', 'bad.json'], dir, `token ${GH}\n`);
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/TFO_ERR_REDACT_INPUT.*bad\.json:3 is not valid JSON/);
    const missing = await tfo(['--plan', 'nope.json'], dir, 'x\n');
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/TFO_ERR_REDACT_INPUT.*nope\.json could not be read/);
    await writeFile(path.join(dir, 'odd.json'), '{"resource_changes": [{}]}');
    const odd = await tfo(['--plan', 'odd.json'], dir, 'x\n');
    expect(odd.exitCode).toBe(2);
    expect(odd.stdout).toBe('');
    expect(odd.stderr).toMatch(/odd\.json is not a terraform plan/);
    // files are read relative to --cwd, as every command's
    const elsewhere = await execa('node', [BIN, '--cwd', dir, 'redact', '--plan', 'bad.json'], {
      reject: false,
      input: 'x',
    });
    expect(elsewhere.exitCode).toBe(2);
    expect(elsewhere.stderr).toMatch(/bad\.json:3 is not valid JSON/);
    await writeFile(path.join(dir, 'list.json'), '[1, 2]');
    const notPlan = await tfo(['--state', 'list.json'], dir, 'x\n');
    expect(notPlan.exitCode).toBe(2);
    expect(notPlan.stderr).toMatch(/list\.json is not a terraform state/);
  });

  it('exits 0 quietly when its reader goes away (`| head`)', async () => {
    const child = spawn('node', [BIN, 'redact'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.on('error', () => undefined); // the child may be gone before all is written
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // the reader takes one chunk and leaves
    child.stdout.once('data', () => child.stdout.destroy());
    const line = `${'resource aws_s3_bucket.logs will be created, password = hunter2x '.repeat(4)}\n`;
    const block = line.repeat(2000);
    let exited = false;
    void closed.then(() => (exited = true));
    for (let i = 0; i < 400 && !exited; i++) {
      if (!child.stdin.write(block)) await new Promise((r) => setTimeout(r, 5));
    }
    child.stdin.end();
    expect(await closed).toBe(0);
    expect(stderr).toBe('');
  });
});
