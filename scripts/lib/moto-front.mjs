// The retry-safe front of a test moto server (see startMoto's `retrySafe`): a loopback proxy in
// the test process that forwards every request to moto and answers an AWS SDK retry of a
// conditional write as the success it already was.

import http from 'node:http';
import zlib from 'node:zlib';

const HOST = '127.0.0.1';

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

export async function withFront(server, log) {
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
