// Start and stop a local moto server (an AWS API mock) for tests and demos.
//
// Plain ESM so that vitest tests and the demo scripts can both use it without a
// build step; types are in moto.d.mts. The server only ever listens on 127.0.0.1.
//
// Which binary: $TFO_MOTO_SERVER, else <repo>/.tools/bin/moto_server (written by
// scripts/setup-tools), else `moto_server` from PATH.
//
// With `retrySafe`, clients talk to a small front in this process that forwards every request to
// moto and makes an AWS SDK retry of a conditional write safe (see startFront).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const HOST = '127.0.0.1';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const STDERR_KEEP = 16 * 1024;

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Path of the moto_server executable to run. */
export function motoServerBinary() {
  if (process.env.TFO_MOTO_SERVER) return process.env.TFO_MOTO_SERVER;
  const local = path.join(REPO_ROOT, '.tools', 'bin', 'moto_server');
  if (existsSync(local)) return local;
  return 'moto_server';
}

/**
 * Start moto_server on a free loopback port and wait until it answers.
 * @param {{ dataDir?: string, log?: (line: string) => void, retrySafe?: boolean }} [opts]
 */
export async function startMoto({ dataDir, log, retrySafe = false } = {}) {
  const parent = dataDir ?? os.tmpdir();
  await mkdir(parent, { recursive: true });
  const cwd = await mkdtemp(path.join(parent, 'moto-'));
  const bin = motoServerBinary();

  let lastError;
  // The port is free when we look and taken when moto binds it; another process
  // could grab it in between, so retry a couple of times on an early exit.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const server = await launch({ bin, port, cwd, log });
      return retrySafe ? await withFront(server, log) : server;
    } catch (err) {
      lastError = err;
      if (!(err instanceof MotoExitedError && /address already in use/i.test(err.message))) break;
    }
  }
  await rm(cwd, { recursive: true, force: true });
  throw lastError;
}

class MotoExitedError extends Error {}

// Servers still running when this process exits are killed, so a crashed test
// run does not leave moto behind.
const live = new Set();
process.once('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function launch({ bin, port, cwd, log }) {
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn(bin, ['-H', HOST, '-p', String(port)], {
    cwd,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);

  let stderrTail = '';
  const onLines = (stream, keep) => {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      if (keep) stderrTail = (stderrTail + chunk).slice(-STDERR_KEEP);
      if (!log) return;
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (line) log(line);
      }
    });
  };
  onLines(child.stdout, false);
  onLines(child.stderr, true);

  let exited = false;
  let exitInfo = '';
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      exited = true;
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
  });
  let spawnError;
  child.once('error', (err) => {
    live.delete(child);
    spawnError = err;
    exited = true;
  });

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (spawnError) {
      throw new Error(
        `moto: cannot run ${bin}: ${spawnError.message}. Run scripts/setup-tools (or set TFO_MOTO_SERVER).`,
      );
    }
    if (exited) {
      await exitPromise;
      throw new MotoExitedError(
        `moto_server (${bin}) exited with ${exitInfo} before answering on ${endpoint}.\n--- moto stderr ---\n${stderrTail.trim()}`,
      );
    }
    if (await answers(`${endpoint}/moto-api/`)) break;
    if (Date.now() > deadline) {
      await kill(child, exitPromise);
      throw new Error(
        `moto_server (${bin}) did not answer on ${endpoint} within ${START_TIMEOUT_MS / 1000}s.\n--- moto stderr ---\n${stderrTail.trim()}`,
      );
    }
    await sleep(100);
  }

  let stopping;
  return {
    endpoint,
    port,
    pid: child.pid,
    stop() {
      stopping ??= (async () => {
        await kill(child, exitPromise);
        await rm(cwd, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function kill(child, exitPromise) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer;
  const killed = await Promise.race([
    exitPromise.then(() => true),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!killed) {
    child.kill('SIGKILL');
    await exitPromise;
  }
}

async function answers(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status < 500;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- the retry-safe front ---------------------------------------------------------------------
//
// terraform's state lock is a conditional write: DynamoDB PutItem with attribute_not_exists(LockID)
// and an S3 PutObject with If-None-Match: *. When the first attempt of such a write takes effect
// but its answer does not reach the SDK (a dropped connection, a 5xx after the write), the SDK
// retries it, the retry fails its own condition, and terraform waits for the lock it holds until
// -lock-timeout, leaving the lock behind for every later command. The front answers that retry
// (same amz-sdk-invocation-id, a later attempt, an earlier attempt of it sent to moto) as the
// success it was when what is stored is exactly what the request writes. Any other refusal
// passes through unchanged: a lock held by someone else is still refused.

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'expect', 'upgrade']);
const REMEMBER = 10_000;

async function withFront(server, log) {
  try {
    const front = await startFront(server.endpoint, log);
    let stopping;
    return {
      ...server,
      endpoint: front.endpoint,
      port: front.port,
      stop() {
        stopping ??= front.close().then(() => server.stop());
        return stopping;
      },
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function startFront(target, log) {
  const sent = new Map(); // invocation ids with an attempt forwarded to moto (insertion order)
  const keySchemas = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      answer(req, Buffer.concat(chunks)).then(
        (out) => {
          res.writeHead(out.status, out.headers);
          res.end(req.method === 'HEAD' ? undefined : out.body);
        },
        (err) => {
          log?.(`front: ${req.method} ${req.url}: moto gave no answer: ${err.message}`);
          res.writeHead(502, { 'content-type': 'text/plain' }).end(`moto gave no answer: ${err.message}`);
        },
      );
    });
  });

  async function answer(req, body) {
    const started = Date.now();
    const invocation = String(req.headers['amz-sdk-invocation-id'] ?? '');
    const attempt = Number(/attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
    const retry = invocation !== '' && attempt > 1 && sent.has(invocation);
    if (invocation && !retry) {
      sent.set(invocation, true);
      if (sent.size > REMEMBER) sent.delete(sent.keys().next().value);
    }
    let out = await forward(target, req.method, req.url, req.headers, body);
    const what = `${req.method} ${req.headers['x-amz-target'] ?? req.url}`;
    if (retry) {
      // a failed check leaves moto's answer as it was
      const done = await tookEffect(req, body, out).catch(() => undefined);
      if (done) {
        log?.(
          `front: ${what} attempt ${attempt}: its condition failed on what an earlier attempt wrote; answered as that write's success`,
        );
        out = done;
      }
    }
    log?.(
      `front: ${what} ${keyOf(req, body)}inv=${invocation.slice(0, 8)} attempt=${attempt} -> ${out.status} ${Date.now() - started}ms`,
    );
    return out;
  }

  /** The success answer to a retried conditional write that a previous attempt already made. */
  async function tookEffect(req, body, out) {
    const action = req.headers['x-amz-target'];
    if (action === 'DynamoDB_20120810.PutItem' && out.status === 400 && /ConditionalCheckFailed/.test(out.body)) {
      const put = JSON.parse(body.toString('utf8'));
      if (put.ReturnValues && put.ReturnValues !== 'NONE') return undefined;
      const names = await keyNames(req.headers, put.TableName);
      const key = Object.fromEntries(names.map((n) => [n, put.Item[n]]));
      const got = await dynamo(req.headers, 'GetItem', { TableName: put.TableName, Key: key, ConsistentRead: true });
      if (canonical(got.Item) !== canonical(put.Item)) return undefined;
      const reply = Buffer.from('{}');
      return { status: 200, headers: dynamoHeaders(reply), body: reply };
    }
    const url = new URL(req.url, 'http://front');
    const encoding = String(req.headers['content-encoding'] ?? '');
    if (req.method === 'PUT' && req.headers['if-none-match'] === '*' && out.status === 412) {
      if (url.searchParams.has('uploadId') || encoding.includes('aws-chunked')) return undefined;
      const got = await forward(target, 'GET', url.pathname, signedOnly(req.headers), Buffer.alloc(0));
      if (got.status !== 200 || !got.raw.equals(body)) return undefined;
      const keep = [
        'etag',
        'x-amz-version-id',
        'x-amz-server-side-encryption',
        'x-amz-server-side-encryption-aws-kms-key-id',
      ];
      const headers = Object.fromEntries(keep.filter((h) => got.headers[h]).map((h) => [h, got.headers[h]]));
      return { status: 200, headers: { ...headers, 'content-length': '0' }, body: Buffer.alloc(0) };
    }
    return undefined;
  }

  async function keyNames(headers, table) {
    if (!keySchemas.has(table)) {
      const { Table } = await dynamo(headers, 'DescribeTable', { TableName: table });
      keySchemas.set(
        table,
        Table.KeySchema.map((k) => k.AttributeName),
      );
    }
    return keySchemas.get(table);
  }

  async function dynamo(headers, action, input) {
    const out = await forward(
      target,
      'POST',
      '/',
      {
        ...signedOnly(headers),
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${action}`,
      },
      Buffer.from(JSON.stringify(input)),
    );
    if (out.status !== 200) throw new Error(`${action}: HTTP ${out.status} ${out.body}`);
    return JSON.parse(out.body);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const { port } = server.address();
  return {
    endpoint: `http://${HOST}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One request to moto; resolves with its whole answer. */
function forward(target, method, path, headers, body) {
  const to = new URL(target);
  const send = Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k)));
  if (body.length || 'content-length' in headers || 'transfer-encoding' in headers) {
    send['content-length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const up = http.request({ host: to.hostname, port: to.port, method, path, headers: send, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const out = Object.fromEntries(Object.entries(res.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
        if (!('content-length' in out) && method !== 'HEAD') out['content-length'] = String(raw.length);
        resolve({ status: res.statusCode ?? 502, headers: out, body: raw.toString('utf8'), raw });
      });
    });
    up.on('error', reject);
    up.end(body);
  });
}

/** The headers that say who is asking (moto routes by them), for the front's own reads. */
function signedOnly(headers) {
  const keep = ['authorization', 'x-amz-security-token', 'x-amz-date', 'host'];
  return Object.fromEntries(keep.filter((h) => headers[h]).map((h) => [h, headers[h]]));
}

function dynamoHeaders(reply) {
  return {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': String(reply.length),
    'x-amz-crc32': String(zlib.crc32(reply)),
    'x-amzn-requestid': 'moto-front',
  };
}

/** JSON with sorted keys, so two attribute maps compare by content. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** For the journal: the DynamoDB key a request names (terraform's LockID first; S3 keys are in the path). */
function keyOf(req, body) {
  if (!String(req.headers['x-amz-target'] ?? '').startsWith('DynamoDB')) return '';
  try {
    const input = JSON.parse(body.toString('utf8'));
    const attrs = input.Key ?? input.Item ?? {};
    const value = (attrs.LockID ?? Object.values(attrs)[0])?.S;
    return value ? `key=${value} ` : '';
  } catch {
    return '';
  }
}

/** Forget every resource moto holds (POST /moto-api/reset). */
export async function resetMoto(endpoint) {
  const res = await fetch(new URL('/moto-api/reset', endpoint), { method: 'POST' });
  const body = await res.text();
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${body}`);
}
