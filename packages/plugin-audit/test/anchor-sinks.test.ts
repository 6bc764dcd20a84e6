// The chain anchor and the write probe of the S3 and DynamoDB sinks against a real moto server on
// 127.0.0.1 (started here): the anchor only moves forward (conditional writes), a sink that cannot
// write fails its probe naming the bucket or table, and the index never lists its own items.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import net from 'node:net';
import type { RunInfo } from '@tfo/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, type MotoServer } from '../../../scripts/lib/moto.mjs';
import { createAuditTable } from '../../../scripts/lib/state-bucket.mjs';
import {
  checkBeforeRun,
  dynamodbSink,
  fileSink,
  s3Sink,
  ChainAnchoring,
  type AnchorStore,
  type ChainAnchor,
} from '../src/index.js';
import { entry, removeTempDirs, tempDir } from './support.js';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const REGION = 'us-east-1';

let moto: MotoServer;
let s3: S3Client;
let db: DynamoDBClient;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  moto = await startMoto();
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  db = new DynamoDBClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
  await s3.send(new CreateBucketCommand({ Bucket: 'anchors' }));
  await createAuditTable(db, 'tfo-anchors');
}, 60_000);

afterAll(async () => {
  await removeTempDirs();
  s3?.destroy();
  db?.destroy();
  await moto?.stop();
});

const target = () => ({ region: REGION, endpoint: moto.endpoint, forcePathStyle: true });

const at = (seq: number, fill = 'a'): ChainAnchor => ({
  version: 1,
  seq,
  hash: `${fill}${seq}`.padEnd(64, '0').slice(0, 64),
  id: `rec-${seq}`,
  file: '2026-12-07.jsonl',
  genesis: 'f'.repeat(64),
  anchoredAt: '2026-12-07T10:00:00.000Z',
});

async function forwardOnly(store: AnchorStore & { close(): void }): Promise<void> {
  expect(await store.readAnchor()).toBeUndefined();
  await store.advanceAnchor(at(1));
  await store.advanceAnchor(at(3));
  expect(await store.readAnchor()).toEqual(at(3));
  await store.advanceAnchor(at(3)); // the same position again: nothing to do
  await expect(store.advanceAnchor(at(2))).rejects.toThrow(/TFO_ERR_AUDIT|names record #3 .* does not reach/);
  await expect(store.advanceAnchor(at(3, 'b'))).rejects.toThrow(/names record #3/);
  expect(await store.readAnchor()).toEqual(at(3));
  await store.advanceAnchor(at(4));
  expect((await store.readAnchor())?.seq).toBe(4);
  store.close();
}

describe('chain anchors', () => {
  it('the S3 anchor object only moves forward (If-Match / If-None-Match), outside the records prefix', async () => {
    const sink = s3Sink({ ...target(), bucket: 'anchors' });
    expect(sink.anchorLocation).toBe('s3://anchors/tfo-audit/anchor.json');
    await forwardOnly(sink);
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: 'anchors', Key: 'tfo-audit/anchor.json' }))
    ).Body!.transformToString();
    expect(JSON.parse(body)).toMatchObject({ seq: 4, version: 1 });
  });

  it('the DynamoDB anchor item only moves forward (a condition on seq), and queries never list it', async () => {
    const sink = dynamodbSink({ ...target(), table: 'tfo-anchors' });
    expect(sink.anchorLocation).toBe('tfo-anchors item #tfo-anchor / default');
    await sink.write(entry({ id: 'indexed-1' }));
    await sink.probe();
    await forwardOnly(dynamodbSink({ ...target(), table: 'tfo-anchors' }));
    const all = await sink.query({});
    expect(all.map((r) => r.id)).toEqual(['indexed-1']);
    sink.close();
  });

  it('each trail can have its own anchor', async () => {
    const one = dynamodbSink({ ...target(), table: 'tfo-anchors', anchorId: 'repo-one' });
    const two = s3Sink({ ...target(), bucket: 'anchors', controlPrefix: 'repo-two' });
    await one.advanceAnchor(at(7));
    await two.advanceAnchor(at(2));
    expect((await one.readAnchor())?.seq).toBe(7);
    expect((await two.readAnchor())?.seq).toBe(2);
    expect(two.anchorLocation).toBe('s3://anchors/repo-two/anchor.json');
    one.close();
    two.close();
  });

  it('the probe writes with the records credentials, and fails naming the bucket or table', async () => {
    const ok = s3Sink({ ...target(), bucket: 'anchors' });
    await ok.probe();
    const probe = await s3.send(new GetObjectCommand({ Bucket: 'anchors', Key: 'tfo-audit/probe.json' }));
    expect(probe.ServerSideEncryption).toBe('AES256');
    ok.close();

    const missing = s3Sink({ ...target(), bucket: 'no-such-audit-bucket' });
    await expect(missing.probe()).rejects.toThrow(
      /s3:\/\/no-such-audit-bucket\/tfo-audit\/probe\.json: .*(bucket|NoSuchBucket)/i,
    );
    await expect(missing.readAnchor()).rejects.toThrow(/no-such-audit-bucket/);
    missing.close();
    const table = dynamodbSink({ ...target(), table: 'no-such-table' });
    await expect(table.probe()).rejects.toThrow(/TFO_ERR_AUDIT|no-such-table/);
    table.close();
  });

  it('a sink that accepts and never answers fails the check before a run at its deadline', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const endpoint = `http://127.0.0.1:${port}`;
    const dir = await tempDir();
    const file = fileSink({ dir });
    const bucket = s3Sink({ region: REGION, endpoint, forcePathStyle: true, bucket: 'silent' });
    const table = dynamodbSink({ region: REGION, endpoint, table: 'silent' });
    const started = Date.now();
    try {
      await expect(
        checkBeforeRun(
          { id: 'r', mode: 'apply' } as RunInfo,
          [file, bucket, table],
          new ChainAnchoring(file, [bucket, table]),
          () => undefined,
          500,
        ),
      ).rejects.toThrow(/sink dynamodb: did not answer within 0\.5 s; sink s3: did not answer within 0\.5 s/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      bucket.close();
      table.close();
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('anchor: false leaves a sink out of anchoring', () => {
    expect(s3Sink({ bucket: 'xyz', anchor: false }).anchors).toBe(false);
    expect(dynamodbSink({ table: 'xyz', anchor: false }).anchors).toBe(false);
  });
});
