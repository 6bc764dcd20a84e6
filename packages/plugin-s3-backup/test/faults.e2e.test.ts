// Faults between tfo/terraform and S3: a fault-injecting HTTP proxy on 127.0.0.1 in front of moto,
// and a moto server that dies in the middle of an apply.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MotoServer } from '../../../scripts/lib/moto.mjs';
import type { S3BackupOptions } from '../src/options.js';
import { byKey, explain, keyOf, s3Repo, tfo, tfoJson, writeProject } from './e2e-support.js';
import { getText, startStateServer } from './support.js';

interface FaultProxy {
  endpoint: string;
  /** Answer 503 to a request when this returns true. */
  failWhen: ((method: string, path: string) => boolean) | undefined;
  injected: string[];
  close(): Promise<void>;
}

/** A proxy to `target` that answers 503 (S3's ServiceUnavailable) to the requests `failWhen` picks. */
async function faultProxy(target: string): Promise<FaultProxy> {
  const to = new URL(target);
  const proxy: FaultProxy = { endpoint: '', failWhen: undefined, injected: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (proxy.failWhen?.(req.method ?? 'GET', pathname)) {
      proxy.injected.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/xml', 'retry-after': '0' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>ServiceUnavailable</Code><Message>injected by the test proxy</Message><RequestId>fault</RequestId></Error>',
        );
      });
      return;
    }
    const up = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

let moto: MotoServer;
let s3: S3Client;
let db: DynamoDBClient;
let proxy: FaultProxy;

beforeAll(async () => {
  ({ moto, s3, db } = await startStateServer());
  proxy = await faultProxy(moto.endpoint);
});

afterAll(async () => {
  await proxy?.close();
  s3?.destroy();
  db?.destroy();
  await moto?.stop();
});

function plugin(endpoint: string, extra: Partial<S3BackupOptions> = {}): S3BackupOptions {
  return {
    bucket: 'tfo-state',
    region: 'us-east-1',
    stateRoleArn: 'arn:aws:iam::123456789012:role/tfo-state',
    endpoints: { s3: endpoint, sts: endpoint, dynamodb: endpoint },
    usePathStyle: true,
    skipCredentialsValidation: true,
    lock: 'both',
    dynamodbTable: 'tfo-locks',
    ...extra,
  };
}

describe('faults between tfo and S3', () => {
  it('S3 answering 503 to the state PUT: the apply fails naming the cause, and no state is lost', async () => {
    const key = keyOf('foxtrot');
    const dir = await s3Repo(plugin(proxy.endpoint), { foxtrot: { a: { note: 'v1' } } });
    const first = await tfoJson(['apply'], dir);
    expect(byKey(first.result, key).status, await explain(byKey(first.result, key))).toBe('applied');
    const pre = JSON.parse((await getText(s3, 'tfo-state', key))!) as { serial: number; lineage: string };

    await writeProject(dir, 'foxtrot', { a: { note: 'v2' }, b: { note: 'new' } });
    proxy.injected.length = 0;
    proxy.failWhen = (method, p) => method === 'PUT' && p === `/tfo-state/${key}`;
    let run;
    try {
      run = await tfoJson(['apply'], dir, { timeout: 400_000 });
    } finally {
      proxy.failWhen = undefined;
    }
    const d = byKey(run.result, key);
    expect(proxy.injected.length, 'the proxy refused the state write').toBeGreaterThan(0);
    expect(run.code, await explain(d)).not.toBe(0);
    expect(d.error?.stage, await explain(d)).toBe('apply');
    expect(d.error?.message, await explain(d)).toMatch(/503|ServiceUnavailable|Failed to (save|persist) state|state/i);

    // the state at the key is the pre-apply one or terraform's own post-apply one: same lineage,
    // serial not behind, and readable
    const now = JSON.parse((await getText(s3, 'tfo-state', key))!) as { serial: number; lineage: string };
    expect(now.lineage).toBe(pre.lineage);
    expect(now.serial).toBeGreaterThanOrEqual(pre.serial);
    // and the backup of the pre-apply state exists and names it
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'tfo-state', Prefix: `backups/${key}.` }));
    const sidecars = (listed.Contents ?? []).filter((o) => o.Key!.endsWith('.json'));
    expect(sidecars.length).toBeGreaterThan(0);
    const records = await Promise.all(sidecars.map(async (o) => JSON.parse((await getText(s3, 'tfo-state', o.Key!))!)));
    expect(
      records.some((r: { serial: number; lineage: string }) => r.serial === pre.serial && r.lineage === pre.lineage),
    ).toBe(true);
    // the lease was released despite the failure
    expect(await getText(s3, 'tfo-state', `tfo-leases/${key}.lease`)).toBeUndefined();
  });

  // When terraform applies but the backend refuses its state write, terraform keeps that state in
  // errored.tfstate in its working directory; recovery must push it (or report failure), never
  // say "terraform wrote nothing" while the resources it created are known to no state.
  it('a state write refused by S3 is saved from errored.tfstate, or reported as failed, never as nothing written', async () => {
    const key = keyOf('hotel');
    const dir = await s3Repo(plugin(proxy.endpoint), { hotel: { a: { note: 'v1' } } });
    expect(byKey((await tfoJson(['apply'], dir)).result, key).status).toBe('applied');
    await writeProject(dir, 'hotel', { a: { note: 'v1' }, created: { note: 'new' } });
    proxy.failWhen = (method, p) => method === 'PUT' && p === `/tfo-state/${key}`;
    let run;
    try {
      run = await tfoJson(['apply'], dir, { timeout: 400_000 });
    } finally {
      proxy.failWhen = undefined;
    }
    const d = byKey(run.result, key);
    const state = (await getText(s3, 'tfo-state', key))!;
    const createdIsInState = state.includes('"created"');
    // either terraform's post-apply state reached S3 (errored.tfstate pushed), or tfo says it failed
    if (!createdIsInState) {
      expect(d.status, await explain(d)).toBe('failed');
      expect(d.recovery?.action, await explain(d)).not.toBe('none');
    }
  });

  it('moto dies during an apply: the deployment fails with the cause named and tfo exits non-zero', async () => {
    const { moto: own, s3: ownS3, db: ownDb } = await startStateServer();
    try {
      const key = keyOf('golf');
      const dir = await s3Repo(plugin(own.endpoint), { golf: { a: { note: 'v1', sleep_seconds: 6 } } });
      const started = Date.now();
      const run = tfo(['apply'], dir, { timeout: 150_000 });
      let seen = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`apply never started:\n${seen}`)), 90_000);
        run.all!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (/\bapply\s+\S*golf/.test(seen)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      await own.stop();
      const out = await run;
      expect(out.timedOut, out.all).toBe(false);
      expect(out.exitCode, out.all).not.toBe(0);
      expect(Date.now() - started).toBeLessThan(150_000);
      // the summary names the key and a failure, and the cause (connection refused / terraform error)
      expect(out.all).toMatch(/golf/);
      expect(out.all).toMatch(/fail/i);
      // terraform's own error (its backend cannot reach STS/S3) or the SDK's refused connection
      expect(out.all).toMatch(/Cannot assume IAM Role|Failed to save state|ECONNREFUSED|connection refused/i);
      expect(out.all).toContain(key);
    } finally {
      ownS3.destroy();
      ownDb.destroy();
      await own.stop();
    }
  }, 180_000);
});
