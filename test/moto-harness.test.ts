// The moto harness (scripts/lib/moto.mjs) that e2e tests and demos rely on:
// it starts moto on a loopback port, moto answers AWS calls, S3 honours
// conditional writes (If-None-Match: *, needed by the S3-native state lock),
// and stop() frees the port.

import { createHash, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, resetMoto, startMoto, type MotoServer } from '../scripts/lib/moto.mjs';

const REGION = 'us-east-1';

// Minimal AWS Signature V4. Moto does not check signatures by default, but it
// routes a request to a service by the credential scope in Authorization, and a
// real signature keeps these requests valid if signature checks are turned on.
function sigv4(
  method: string,
  url: URL,
  service: string,
  body: string,
  headers: Record<string, string> = {},
): Record<string, string> {
  const accessKey = 'AKIAIOSFODNN7EXAMPLE';
  const secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
  const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

  const all: Record<string, string> = {
    ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()])),
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': sha256(body),
  };
  const names = Object.keys(all).sort();
  const canonicalQuery = [...url.searchParams]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [
    method,
    url.pathname || '/',
    canonicalQuery,
    ...names.map((n) => `${n}:${all[n]}`),
    '',
    names.join(';'),
    all['x-amz-content-sha256'],
  ].join('\n');
  const scope = `${day}/${REGION}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${secretKey}`, day);
  for (const part of [REGION, service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  const { host: _host, ...send } = all;
  return {
    ...send,
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

async function aws(
  endpoint: string,
  service: string,
  method: string,
  pathAndQuery: string,
  body = '',
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const url = new URL(pathAndQuery, endpoint);
  const res = await fetch(url, {
    method,
    headers: sigv4(method, url, service, body, headers),
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  });
  return { status: res.status, text: await res.text() };
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('moto harness', () => {
  let moto: MotoServer;
  let dataDir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tfo-moto-test-'));
    moto = await startMoto({ dataDir, log: (line) => lines.push(line) });
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('freePort returns a usable loopback port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
    expect(await portAccepts(port)).toBe(false);
  });

  it('listens on loopback and answers STS GetCallerIdentity', async () => {
    expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`);
    const res = await aws(moto.endpoint, 'sts', 'POST', '/', 'Action=GetCallerIdentity&Version=2011-06-15', {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<Account>\d{12}<\/Account>/);
  });

  it('S3 honours If-None-Match: * (second conditional PUT is 412)', async () => {
    const bucket = 'tfo-conditional-write';
    expect((await aws(moto.endpoint, 's3', 'PUT', `/${bucket}`)).status).toBe(200);
    const key = `/${bucket}/locks/terraform.tfstate.tflock`;
    const first = await aws(moto.endpoint, 's3', 'PUT', key, '{"ID":"a"}', {
      'if-none-match': '*',
    });
    expect(first.status).toBe(200);
    const second = await aws(moto.endpoint, 's3', 'PUT', key, '{"ID":"b"}', {
      'if-none-match': '*',
    });
    expect(second.status).toBe(412);
    expect(second.text).toContain('PreconditionFailed');
    const got = await aws(moto.endpoint, 's3', 'GET', key);
    expect(got.status).toBe(200);
    expect(got.text).toBe('{"ID":"a"}');
  });

  it('resetMoto forgets resources', async () => {
    const bucket = 'tfo-reset-me';
    expect((await aws(moto.endpoint, 's3', 'PUT', `/${bucket}`)).status).toBe(200);
    expect((await aws(moto.endpoint, 's3', 'GET', '/')).text).toContain(bucket);
    await resetMoto(moto.endpoint);
    expect((await aws(moto.endpoint, 's3', 'GET', '/')).text).not.toContain(bucket);
  });

  it('stop() frees the port and removes its working directory', async () => {
    const { port } = moto;
    expect(await portAccepts(port)).toBe(true);
    expect(await readdir(dataDir)).toHaveLength(1);
    await moto.stop();
    expect(await portAccepts(port)).toBe(false);
    expect(await readdir(dataDir)).toHaveLength(0);
    await moto.stop(); // idempotent
  });
});

describe('moto harness errors', () => {
  it('reports a missing binary clearly', async () => {
    const saved = process.env.TFO_MOTO_SERVER;
    process.env.TFO_MOTO_SERVER = path.join(os.tmpdir(), 'no-such-moto-server-binary');
    try {
      expect(existsSync(process.env.TFO_MOTO_SERVER)).toBe(false);
      await expect(startMoto()).rejects.toThrow(/cannot run .*no-such-moto-server-binary/);
    } finally {
      if (saved === undefined) delete process.env.TFO_MOTO_SERVER;
      else process.env.TFO_MOTO_SERVER = saved;
    }
  });

  it("includes moto's stderr when it dies during start", async () => {
    const saved = process.env.TFO_MOTO_SERVER;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tfo-fake-moto-'));
    // A "server" that writes to stderr and exits at once.
    const fake = path.join(dir, 'moto_server');
    await writeFile(fake, '#!/bin/sh\necho "boom: no moto here" >&2\nexit 3\n', { mode: 0o755 });
    process.env.TFO_MOTO_SERVER = fake;
    try {
      await expect(startMoto({ dataDir: dir })).rejects.toThrow(/exited with code 3[\s\S]*boom: no moto here/);
      expect(await readdir(dir)).toEqual(['moto_server']); // temp cwd removed
    } finally {
      if (saved === undefined) delete process.env.TFO_MOTO_SERVER;
      else process.env.TFO_MOTO_SERVER = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
