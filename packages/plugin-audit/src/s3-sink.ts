import type { PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { parsePluginOptions, TfoError } from '@tfo/engine';
import { z } from 'zod';
import { chainAnchorSchema, describeAnchor, type AnchorStore, type ChainAnchor } from './anchor.js';
import { awsTargetSchema, compactTimestamp, httpStatus, keySegment, lazyClients, loadS3Sdk } from './aws.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import type { AuditSink, SinkContext } from './file-sink.js';
import type { AuditEntry } from './record.js';

export const s3SinkOptionsSchema = awsTargetSchema
  .extend({
    /** Sink name in run problems; give two S3 sinks different names. */
    name: z.string().min(1).default('s3'),
    bucket: z.string().min(3),
    /** Key prefix; records go to `<prefix><account>/<project>/<action>-<timestamp>-<id>.json`. */
    prefix: z
      .string()
      .default('audit-logs/')
      .transform((p) => (p === '' || p.endsWith('/') ? p : `${p}/`)),
    /** Encryption at rest: the records carry full terraform output. Default AES256 (SSE-S3). */
    encryption: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('AES256') }).strict(),
        z.object({ type: z.literal('aws:kms'), kmsKeyId: z.string().min(1).optional() }).strict(),
      ])
      .default({ type: 'AES256' }),
    /**
     * Object Lock retention per record when the bucket has Object Lock enabled; without it the
     * bucket's own default retention (if any) applies. A bucket without Object Lock is warned about once.
     */
    retention: z
      .object({
        mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
        days: z.number().int().min(1).max(36_500),
      })
      .strict()
      .optional(),
    /**
     * Keep the file chain's anchor (its last record's position and hash) in this bucket, so a file
     * trail cut short at its end is found. Turn off for a file trail that does not outlive the job.
     */
    anchor: z.boolean().default(true),
    /** Where the anchor (`anchor.json`) and the write probe (`probe.json`) live; outside the records' prefix. */
    controlPrefix: z
      .string()
      .min(1)
      .default('tfo-audit/')
      .transform((p) => (p.endsWith('/') ? p : `${p}/`)),
  })
  .strict();

export type S3SinkOptions = z.input<typeof s3SinkOptionsSchema>;
export type ResolvedS3SinkOptions = z.output<typeof s3SinkOptionsSchema>;

/** The object key of a record. */
export function s3RecordKey(prefix: string, entry: AuditEntry): string {
  const d = entry.deployment;
  const account = keySegment(d.accountId || d.account);
  return `${prefix}${account}/${keySegment(d.project)}/${entry.action}-${compactTimestamp(entry.timestamp)}-${keySegment(entry.id)}.json`;
}

/**
 * One object per record, written once: `If-None-Match: *` makes a second write of a key fail
 * (412) instead of replacing it; encrypted at rest; retained under Object Lock when the bucket has it.
 */
export class S3Sink implements AuditSink, AnchorStore {
  readonly name: string;
  readonly options: ResolvedS3SinkOptions;
  readonly #clients;
  #context: SinkContext | undefined;
  /** Whether the bucket has Object Lock, asked once (only when retention is configured). */
  #objectLock: Promise<boolean> | undefined;

  constructor(options: S3SinkOptions) {
    this.options = parsePluginOptions('s3Sink', s3SinkOptionsSchema, options);
    this.name = this.options.name;
    this.#clients = lazyClients(this.options);
  }

  open(context: SinkContext): void {
    this.#context = context;
  }

  /** The client and the SDK's commands, both loaded on the first call. */
  async #s3(): Promise<{ client: S3Client; sdk: Awaited<ReturnType<typeof loadS3Sdk>> }> {
    const [client, sdk] = await Promise.all([this.#clients.s3(), loadS3Sdk()]);
    return { client, sdk };
  }

  async write(entry: AuditEntry): Promise<void> {
    await this.put(entry);
  }

  get anchors(): boolean {
    return this.options.anchor;
  }

  get anchorLocation(): string {
    return `s3://${this.options.bucket}/${this.options.controlPrefix}anchor.json`;
  }

  #encryption(): Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'> {
    const e = this.options.encryption;
    return e.type === 'AES256'
      ? { ServerSideEncryption: 'AES256' }
      : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: e.kmsKeyId };
  }

  #fail(key: string, err: unknown): never {
    if (err instanceof TfoError) throw err;
    const status = httpStatus(err);
    throw new TfoError(
      'TFO_ERR_AUDIT',
      `s3://${this.options.bucket}/${key}: ${(err as Error).message || (err as { name?: string }).name || 'failed'}${status ? ` (HTTP ${status})` : ''}`,
      { cause: err },
    );
  }

  /**
   * Before a run: proves a record could be stored now, with the records' credentials and
   * encryption, by writing the small `probe.json` beside the anchor (replaced every run).
   */
  async probe(signal?: AbortSignal): Promise<void> {
    const key = `${this.options.controlPrefix}probe.json`;
    const body = canonicalJson({ sink: this.name, probedAt: new Date().toISOString() });
    try {
      const { client, sdk } = await this.#s3();
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          ChecksumAlgorithm: 'SHA256',
          ...this.#encryption(),
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      this.#fail(key, err);
    }
  }

  async readAnchor(signal?: AbortSignal): Promise<ChainAnchor | undefined> {
    return (await this.#readAnchor(signal))?.anchor;
  }

  async #readAnchor(signal?: AbortSignal): Promise<{ anchor: ChainAnchor; etag: string } | undefined> {
    const key = `${this.options.controlPrefix}anchor.json`;
    let text: string;
    let etag: string;
    try {
      const { client, sdk } = await this.#s3();
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: this.options.bucket, Key: key }), {
        abortSignal: signal,
      });
      text = (await out.Body?.transformToString('utf8')) ?? '';
      etag = out.ETag ?? '';
    } catch (err) {
      const name = (err as { name?: string }).name;
      // no anchor yet; a missing bucket is not an answer
      if (name === 'NoSuchKey' || (httpStatus(err) === 404 && name !== 'NoSuchBucket')) return undefined;
      this.#fail(key, err);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const check = chainAnchorSchema.safeParse(parsed);
    if (!check.success) throw new TfoError('TFO_ERR_AUDIT', `${this.anchorLocation}: not a chain anchor`);
    return { anchor: check.data, etag };
  }

  /** Moves the anchor forward with a conditional write (If-Match the anchor read, or If-None-Match when none). */
  async advanceAnchor(anchor: ChainAnchor, signal?: AbortSignal): Promise<void> {
    const key = `${this.options.controlPrefix}anchor.json`;
    for (let attempt = 0; ; attempt++) {
      const current = await this.#readAnchor(signal);
      if (current) {
        const at = current.anchor;
        if (at.seq > anchor.seq || (at.seq === anchor.seq && at.hash !== anchor.hash)) {
          throw new TfoError(
            'TFO_ERR_AUDIT',
            `${this.anchorLocation} names ${describeAnchor(at)}, which the file trail at #${anchor.seq} does not reach: records were removed from the trail (run \`tfo audit verify\`), or another trail shares this anchor`,
          );
        }
        if (at.seq === anchor.seq) return;
      }
      try {
        const { client, sdk } = await this.#s3();
        await client.send(
          new sdk.PutObjectCommand({
            Bucket: this.options.bucket,
            Key: key,
            Body: canonicalJson(anchor),
            ContentType: 'application/json',
            ChecksumAlgorithm: 'SHA256',
            ...(current ? { IfMatch: current.etag } : { IfNoneMatch: '*' }),
            ...this.#encryption(),
          }),
          { abortSignal: signal },
        );
        return;
      } catch (err) {
        // someone moved the anchor between our read and write: read it again
        if (httpStatus(err) === 412 && attempt < 3) continue;
        this.#fail(key, err);
      }
    }
  }

  /** Stores one record; resolves with its key. */
  async put(entry: AuditEntry): Promise<string> {
    const o = this.options;
    const key = s3RecordKey(o.prefix, entry);
    const body = canonicalJson(entry);
    const input: PutObjectCommandInput = {
      Bucket: o.bucket,
      Key: key,
      Body: body,
      ContentType: 'application/json',
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
      Metadata: { 'tfo-schema-version': String(entry.schemaVersion), 'tfo-sha256': sha256Hex(body) },
      ...this.#encryption(),
    };
    if (o.retention && (await this.#bucketHasObjectLock())) {
      input.ObjectLockMode = o.retention.mode;
      input.ObjectLockRetainUntilDate = new Date(Date.now() + o.retention.days * 86_400_000);
    }
    try {
      const { client, sdk } = await this.#s3();
      await client.send(new sdk.PutObjectCommand(input));
    } catch (err) {
      if (httpStatus(err) === 412) {
        throw new TfoError(
          'TFO_ERR_AUDIT',
          `s3://${o.bucket}/${key} exists already: audit records are write-once and are never replaced`,
          { cause: err },
        );
      }
      throw new TfoError('TFO_ERR_AUDIT', `s3://${o.bucket}/${key}: ${(err as Error).message}`, { cause: err });
    }
    return key;
  }

  #bucketHasObjectLock(): Promise<boolean> {
    this.#objectLock ??= (async () => {
      try {
        const { client, sdk } = await this.#s3();
        const out = await client.send(new sdk.GetObjectLockConfigurationCommand({ Bucket: this.options.bucket }));
        if (out.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled') return true;
      } catch (err) {
        const code = (err as { name?: string }).name;
        if (code !== 'ObjectLockConfigurationNotFoundError' && httpStatus(err) !== 404) {
          this.#objectLock = undefined; // ask again next time: this was not an answer
          throw err;
        }
      }
      this.#context?.notice?.(
        'warn',
        `audit sink ${this.name}: bucket ${this.options.bucket} has no Object Lock, so records are write-once but not retained by S3`,
      );
      return false;
    })();
    return this.#objectLock;
  }

  close(): void {
    this.#clients.destroy();
  }
}

/** The S3 sink (see S3Sink). */
export function s3Sink(options: S3SinkOptions): S3Sink {
  return new S3Sink(options);
}
