// Fault scenarios of the audit trail (issue 9), through the built CLI with real terraform over the
// slow module and audit() composed in a TypeScript config: a file trail anchored in S3 and
// DynamoDB on moto (127.0.0.1, started here), or a file trail alone. Edits to the trail are found
// by `tfo audit verify`; a run whose records cannot be stored starts nothing; a sink lost mid-run
// is reported by record, and leaves no lock and no process behind.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { queryFile, verifyChain } from '@tfo/plugin-audit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, REPO, SLOW_MODULE, slowTfvars, tfo } from '../../packages/cli/test/support.js';
import { startMoto, type MotoServer } from '../../scripts/lib/moto.mjs';
import { createAuditTable } from '../../scripts/lib/state-bucket.mjs';
import { locksLeft, processesLeft, stateIdentity, stoppedRuns, waitForLog } from './invariants.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' };
const BUCKET = 'fault-audit';
const TABLE = 'fault-audit';
const PROJECTS = ['app', 'db', 'web'];
const keyOf = (project: string): string => `s3/acme-dev/us-east-1/${project}/terraform.tfstate`;

let moto: MotoServer;
let trails = 0;
/** Every repository a scenario made, removed at the end. */
const made: string[] = [];

async function auditStore(server: MotoServer): Promise<void> {
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: CREDENTIALS,
  });
  const db = new DynamoDBClient({ region: 'us-east-1', endpoint: server.endpoint, credentials: CREDENTIALS });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await createAuditTable(db, TABLE);
  } finally {
    s3.destroy();
    db.destroy();
  }
}

beforeAll(async () => {
  moto = await startMoto();
  await auditStore(moto);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

type Sinks =
  | { kind: 'file' }
  | { kind: 'anchored'; server: Pick<MotoServer, 'endpoint'>; bucket?: string; options?: string };

/**
 * A repository over the slow module, one deployment per project; its TypeScript config composes
 * audit() with a file sink, anchored (its own anchor in the shared bucket and table) or alone.
 */
async function auditedRepo(sinks: Sinks, buckets: Record<string, Parameters<typeof slowTfvars>[0]>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-fault-audit-'));
  made.push(dir);
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  for (const [project, b] of Object.entries(buckets)) {
    await mkdir(path.join(dir, 'deployments/dev', project), { recursive: true });
    await writeFile(path.join(dir, 'deployments/dev', project, `${project}.tfvars`), slowTfvars(b));
  }
  trails += 1;
  const target = sinks.kind === 'anchored' && {
    region: 'us-east-1',
    endpoint: sinks.server.endpoint,
    forcePathStyle: true,
  };
  const list = target
    ? `fileSink(),
        s3Sink({ ...${JSON.stringify(target)}, bucket: ${JSON.stringify(sinks.kind === 'anchored' && sinks.bucket ? sinks.bucket : BUCKET)}, controlPrefix: 'trail-${trails}/' }),
        dynamodbSink({ ...${JSON.stringify(target)}, table: ${JSON.stringify(TABLE)}, anchorId: 'trail-${trails}' }),`
    : 'fileSink(),';
  await writeFile(
    path.join(dir, 'orchestrator.config.ts'),
    `import { audit, dynamodbSink, fileSink, s3Sink } from '@tfo/plugin-audit';
export default {
  deploymentsDir: 'deployments',
  rootModule: ${JSON.stringify(SLOW_MODULE)},
  accounts: ${JSON.stringify(ACCOUNTS)},
  plugins: [audit({ sinks: [${list}]${sinks.kind === 'anchored' && sinks.options ? `, ${sinks.options}` : ''} })],
};
`,
  );
  return dir;
}

const three = (): Record<string, Parameters<typeof slowTfvars>[0]> =>
  Object.fromEntries(PROJECTS.map((p) => [p, { a: {} }]));

const trailDir = (repo: string): string => path.join(repo, '.tfo/audit');

async function dayFile(repo: string): Promise<string> {
  const names = (await readdir(trailDir(repo))).filter((n) => n.endsWith('.jsonl')).sort();
  return path.join(trailDir(repo), names.at(-1)!);
}

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).trimEnd().split('\n');
}

async function verify(repo: string): Promise<{ code: number; out: string; json: Record<string, unknown> }> {
  const text = await tfo(['audit', 'verify'], repo, ENV);
  const json = await tfo(['audit', 'verify', '--json'], repo, ENV);
  expect(json.exitCode).toBe(text.exitCode);
  return { code: text.exitCode ?? -1, out: text.all ?? '', json: JSON.parse(json.stdout) as Record<string, unknown> };
}

/** States of every project's key, to compare before and after a run that must touch nothing. */
async function states(repo: string): Promise<unknown[]> {
  return Promise.all(PROJECTS.map((p) => stateIdentity(path.join(repo, '.tfo/state', keyOf(p)))));
}

/** What every scenario ends with: no process of the repo, no lock. */
async function noneLeft(repo: string): Promise<void> {
  expect(await processesLeft(repo)).toEqual([]);
  expect(await locksLeft(repo)).toEqual([]);
}

/** One applied, anchored repository; each edit scenario works on its own copy (the anchor is shared, read only). */
let applied: string;
let appliedFileOnly: string;

async function copyOf(repo: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tfo-fault-audit-copy-'));
  made.push(dir);
  await cp(repo, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

describe('audit trail faults', () => {
  beforeAll(async () => {
    applied = await auditedRepo({ kind: 'anchored', server: moto }, three());
    const run = await tfo(['apply'], applied, ENV);
    expect(run.exitCode, run.all).toBe(0);
    appliedFileOnly = await auditedRepo({ kind: 'file' }, three());
    const alone = await tfo(['apply'], appliedFileOnly, ENV);
    expect(alone.exitCode, alone.all).toBe(0);
    const intact = await verify(applied);
    expect(intact.code, intact.out).toBe(0);
    expect(intact.out).toContain('audit trail intact: 3 record(s)');
    expect(intact.out).toMatch(/anchor in s3 \(s3:\/\/fault-audit\/trail-1\/anchor\.json\) holds: record #3/);
    expect(intact.out).toMatch(/anchor in dynamodb \(fault-audit item #tfo-anchor \/ trail-1\) holds: record #3/);
  }, 300_000);

  it('the last record line deleted (HEAD kept): verify fails at HEAD', async () => {
    const repo = await copyOf(applied);
    const file = await dayFile(repo);
    await writeFile(file, `${(await lines(file)).slice(0, -1).join('\n')}\n`);
    const { code, out } = await verify(repo);
    expect(code).toBe(1);
    expect(out).toMatch(
      /audit trail BROKEN at HEAD:1: HEAD names .* but the last record hashes to .*records at the end were removed/,
    );
  });

  it('the last record and HEAD deleted, anchored on moto: verify fails naming the missing record', async () => {
    const repo = await copyOf(applied);
    const file = await dayFile(repo);
    const all = await lines(file);
    const lost = JSON.parse(all.at(-1)!) as { id: string };
    await writeFile(file, `${all.slice(0, -1).join('\n')}\n`);
    await rm(path.join(trailDir(repo), 'HEAD'));
    const { code, out, json } = await verify(repo);
    expect(code).toBe(1);
    expect(out).toContain('audit trail intact: 2 record(s)'); // what the file alone shows
    for (const sink of ['s3', 'dynamodb']) {
      expect(out).toMatch(
        new RegExp(
          `anchor in ${sink} .* does NOT hold: the anchor names record #3 \\(id ${lost.id}, in \\d{4}-\\d{2}-\\d{2}\\.jsonl.*\\) but the file trail ends at record #2: the last 1 record\\(s\\) were removed; HEAD is missing`,
        ),
      );
    }
    expect(json).toMatchObject({ ok: false, records: 2 });
  });

  it('the last record deleted and HEAD rolled back to the record before: verify fails naming it', async () => {
    const repo = await copyOf(applied);
    const file = await dayFile(repo);
    const all = await lines(file);
    await writeFile(file, `${all.slice(0, -1).join('\n')}\n`);
    await writeFile(path.join(trailDir(repo), 'HEAD'), `${(JSON.parse(all.at(-2)!) as { hash: string }).hash}\n`);
    const { code, out } = await verify(repo);
    expect(code).toBe(1);
    expect(out).toMatch(/ends at record #2: the last 1 record\(s\) were removed; HEAD was rolled back with them/);
  });

  it('the day file deleted with HEAD: verify fails naming the anchored record and its day file', async () => {
    const repo = await copyOf(applied);
    const file = await dayFile(repo);
    await rm(file);
    await rm(path.join(trailDir(repo), 'HEAD'));
    const { code, out } = await verify(repo);
    expect(code).toBe(1);
    expect(out).toContain(`in ${path.basename(file)}`);
    expect(out).toMatch(/holds no records: its day files were removed/);
  });

  it('the last record and HEAD deleted with a file sink alone: verify passes what it can and says truncation cannot be ruled out', async () => {
    const repo = await copyOf(appliedFileOnly);
    const file = await dayFile(repo);
    await writeFile(file, `${(await lines(file)).slice(0, -1).join('\n')}\n`);
    await rm(path.join(trailDir(repo), 'HEAD'));
    const { code, out, json } = await verify(repo);
    expect(code).toBe(0);
    expect(out).toContain('audit trail intact: 2 record(s)');
    expect(out).toMatch(
      /note: truncation of the tail cannot be ruled out: no sink holds an anchor .*s3Sink\(\{ bucket \}\) or dynamodbSink\(\{ table \}\)/,
    );
    expect(json).toMatchObject({ ok: true, anchors: [] });
  });

  it('a byte flipped mid-file: verify fails at that record', async () => {
    const repo = await copyOf(applied);
    const file = await dayFile(repo);
    const bytes = await readFile(file);
    const second = bytes.indexOf(0x0a) + 1;
    const at = bytes.indexOf(Buffer.from('"outcome":"applied"'), second) + 12; // inside the second record
    bytes[at] = bytes[at]! ^ 0x01;
    await writeFile(file, bytes);
    const { code, out } = await verify(repo);
    expect(code).toBe(1);
    expect(out).toMatch(
      new RegExp(`audit trail BROKEN at ${path.basename(file)}:2 \\(record [0-9a-f-]+\\): hash mismatch`),
    );
  });

  it('chain broken: the next tfo apply applies nothing (state untouched, exit 1, TFO_ERR_AUDIT)', async () => {
    const repo = await copyOf(applied);
    const file = await dayFile(repo);
    await writeFile(file, `${(await lines(file)).slice(0, -1).join('\n')}\n`);
    await rm(path.join(trailDir(repo), 'HEAD'));
    for (const p of PROJECTS) {
      await writeFile(path.join(repo, 'deployments/dev', p, `${p}.tfvars`), slowTfvars({ a: {}, b: {} }));
    }
    const before = await states(repo);
    const runs = await readdir(path.join(repo, '.tfo/runs'));
    const run = await tfo(['apply'], repo, ENV);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /error TFO_ERR_AUDIT: plugin "audit" failed in prepare: this apply run cannot be audited, so it starts nothing/,
    );
    expect(run.stderr).toMatch(
      /sink s3: anchor s3:\/\/fault-audit\/trail-1\/anchor\.json: .*the last 1 record\(s\) were removed/,
    );
    expect(await states(repo)).toEqual(before);
    // no deployment was started: the run left only its result, naming the refusal
    expect((await stoppedRuns(repo, runs)).map((r) => r.problems[0]!.message)).toEqual([
      expect.stringContaining('this apply run cannot be audited'),
    ]);
    expect(await verifyChain(trailDir(repo))).toMatchObject({ ok: true, records: 2 }); // nothing appended
    await noneLeft(repo);
  });

  it('chain broken: a tfo plan starts nothing either (plans are audited too)', async () => {
    const repo = await copyOf(applied);
    const file = await dayFile(repo);
    await writeFile(file, `${(await lines(file)).slice(0, -1).join('\n')}\n`); // HEAD still names the removed record
    const runs = await readdir(path.join(repo, '.tfo/runs'));
    const run = await tfo(['plan'], repo, ENV);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /error TFO_ERR_AUDIT: plugin "audit" failed in prepare: this plan run cannot be audited, so it starts nothing.*sink file: .*HEAD names/,
    );
    expect((await stoppedRuns(repo, runs)).map((r) => r.exitCode)).toEqual([1]);
    await noneLeft(repo);
  });

  it('audit bucket missing: the apply applies nothing under failClosed', async () => {
    const repo = await auditedRepo(
      { kind: 'anchored', server: moto, bucket: 'no-such-audit-bucket' },
      { app: { a: {} } },
    );
    const run = await tfo(['apply'], repo, ENV);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /error TFO_ERR_AUDIT: plugin "audit" failed in prepare: .*sink s3: s3:\/\/no-such-audit-bucket\/trail-\d+\/probe\.json: The specified bucket does not exist/,
    );
    expect(await stateIdentity(path.join(repo, '.tfo/state', keyOf('app')))).toBeUndefined();
    expect(await verifyChain(trailDir(repo))).toMatchObject({ ok: true, records: 0 });
    await noneLeft(repo);
  });

  it('audit endpoint accepts and never answers: the apply applies nothing, at the probe deadline', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const repo = await auditedRepo(
        { kind: 'anchored', server: { endpoint }, options: 'probeTimeoutSeconds: 2' },
        { app: { a: {} } },
      );
      const started = Date.now();
      const run = await tfo(['apply'], repo, ENV);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(
        /error TFO_ERR_AUDIT: plugin "audit" failed in prepare: .*sink dynamodb: did not answer within 2 s; sink s3: did not answer within 2 s/,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(await stateIdentity(path.join(repo, '.tfo/state', keyOf('app')))).toBeUndefined();
      await noneLeft(repo);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('moto killed before the run: the apply applies nothing under failClosed', async () => {
    const own = await startMoto();
    await auditStore(own);
    const repo = await auditedRepo({ kind: 'anchored', server: own }, { app: { a: {} } });
    const first = await tfo(['apply'], repo, ENV);
    expect(first.exitCode, first.all).toBe(0);
    await own.stop();
    await writeFile(path.join(repo, 'deployments/dev/app/app.tfvars'), slowTfvars({ a: {}, b: {} }));
    const before = await states(repo);
    const run = await tfo(['apply'], repo, ENV);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /error TFO_ERR_AUDIT: plugin "audit" failed in prepare: this apply run cannot be audited.*sink dynamodb: .*sink s3: /,
    );
    expect(await states(repo)).toEqual(before);
    expect(await verifyChain(trailDir(repo))).toMatchObject({ ok: true, records: 1 });
    await noneLeft(repo);
  });

  it('moto killed mid-run: the records that could not be written are reported (exit 1), no lock and no process left', async () => {
    const own = await startMoto();
    await auditStore(own);
    const repo = await auditedRepo({ kind: 'anchored', server: own }, { app: { a: { sleep_seconds: 4 } } });
    const running = tfo(['apply'], repo, ENV);
    await waitForLog(repo, 'Creating...');
    await own.stop();
    const run = await running;
    expect(run.exitCode, run.all).toBe(1);
    const [runId] = await readdir(path.join(repo, '.tfo/runs'));
    const result = JSON.parse(await readFile(path.join(repo, '.tfo/runs', runId!, 'result.json'), 'utf8')) as {
      deployments: Array<{ status: string }>;
      problems: unknown[];
    };
    expect(result.deployments[0]?.status).toBe('applied'); // terraform's own post-apply state stands
    const problems = JSON.stringify(result.problems);
    expect(problems).toMatch(/audit sink s3 failed for 1 record\(s\)/);
    expect(problems).toMatch(/audit sink dynamodb failed for 1 record\(s\)/);
    const output = run.all ?? '';
    const [record] = await queryFile(trailDir(repo));
    expect(record).toMatchObject({ action: 'apply', outcome: 'applied' }); // the file trail has it
    expect(output).toContain(`audit sink s3 did not store apply record ${record!.id} of ${keyOf('app')}`);
    expect(await verifyChain(trailDir(repo))).toMatchObject({ ok: true, records: 1 });
    expect((await stateIdentity(path.join(repo, '.tfo/state', keyOf('app'))))?.addresses).toEqual([
      'terraform_data.bucket["a"]',
    ]);
    await noneLeft(repo);
  });
});
