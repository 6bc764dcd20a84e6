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
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withFront } from './moto-front.mjs';

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

export async function resetMoto(endpoint) {
  const res = await fetch(new URL('/moto-api/reset', endpoint), { method: 'POST' });
  const body = await res.text();
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${body}`);
}
