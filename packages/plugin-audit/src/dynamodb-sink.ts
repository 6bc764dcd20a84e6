import type { AttributeValue, QueryCommandInput, ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { parsePluginOptions, TfoError } from '@tfo/engine';
import { z } from 'zod';
import type { AnchorStore, ChainAnchor } from './anchor.js';
import { awsTargetSchema, httpStatus, lazyClients, loadDynamoDbSdk } from './aws.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { advanceAnchorItem, ANCHOR_PK, isRecordItem, readAnchorItem, writeProbeItem } from './dynamodb-anchor.js';
import type { AuditSink } from './file-sink.js';
import { parseBound, type AuditQuery } from './query.js';
import { auditEntrySchema, type AuditEntry } from './record.js';

export const dynamodbSinkOptionsSchema = awsTargetSchema
  .extend({
    name: z.string().min(1).default('dynamodb'),
    /** The index table: partition key `pk` (S), sort key `sk` (S). */
    table: z.string().min(3),
    /** Keep the file chain's anchor in the table (item `#tfo-anchor` / `anchorId`); see s3Sink's `anchor`. */
    anchor: z.boolean().default(true),
    /** Sort key of the anchor item: give each file trail that shares the table its own. */
    anchorId: z.string().min(1).default('default'),
  })
  .strict();

export type DynamoDbSinkOptions = z.input<typeof dynamodbSinkOptionsSchema>;
export type ResolvedDynamoDbSinkOptions = z.output<typeof dynamodbSinkOptionsSchema>;

/** DynamoDB's item limit is 400 KB; the index keeps well under it. */
const ITEM_BUDGET = 350_000;

/** An indexed record: the entry without its terraform output (that lives in the file or S3 sink). */
export type IndexedAuditRecord = Omit<AuditEntry, 'output'> & {
  /** Bytes and SHA-256 of the full output, to match it with the record of another sink. */
  outputBytes: number;
  outputSha256: string;
  /** Present when the findings were too many for one item: only their count was kept. */
  findingsOmitted?: number;
};

/** Partition key: one account's project. */
export const partitionKey = (account: string, project: string): string => `${account}#${project}`;

/** Sort key: the timestamp (ISO, UTC, so text order is time order), then the id for ties. */
export const sortKey = (timestamp: string, id: string): string => `${timestamp}#${id}`;

/**
 * What the index stores of an entry, as its canonical JSON: small enough for one item whatever the
 * plan was (findings too many for the item limit are kept as their count).
 */
export function indexedBody(entry: AuditEntry): string {
  const { output, ...rest } = entry;
  const indexed: IndexedAuditRecord = {
    ...rest,
    outputBytes: Buffer.byteLength(output, 'utf8'),
    outputSha256: sha256Hex(output),
  };
  const body = canonicalJson(indexed);
  if (Buffer.byteLength(body, 'utf8') <= ITEM_BUDGET) return body;
  const trimmed = canonicalJson({ ...indexed, findings: [], findingsOmitted: entry.findings.length });
  if (Buffer.byteLength(trimmed, 'utf8') > ITEM_BUDGET) {
    throw new TfoError('TFO_ERR_AUDIT', `record ${entry.id} is over ${ITEM_BUDGET} bytes even without its findings`);
  }
  return trimmed;
}

function item(entry: AuditEntry): Record<string, AttributeValue> {
  const d = entry.deployment;
  const body = indexedBody(entry);
  return {
    pk: { S: partitionKey(d.account, d.project) },
    sk: { S: sortKey(entry.timestamp, entry.id) },
    id: { S: entry.id },
    timestamp: { S: entry.timestamp },
    action: { S: entry.action },
    outcome: { S: entry.outcome },
    account: { S: d.account },
    accountId: { S: d.accountId },
    project: { S: d.project },
    region: { S: d.region },
    stateKey: { S: d.key },
    file: { S: d.file },
    actor: { S: entry.actor },
    runId: { S: entry.runId },
    record: { S: body },
  };
}

/**
 * The index sink: one item per record in a table keyed by `account#project` and timestamp, so a
 * compliance query by account, project and time range is one Query. Items are written once
 * (a condition refuses an existing key). Terraform output is not indexed: pair it with the file or
 * S3 sink, which keep the whole record.
 */
export class DynamoDbSink implements AuditSink, AnchorStore {
  readonly name: string;
  readonly options: ResolvedDynamoDbSinkOptions;
  readonly #clients;

  constructor(options: DynamoDbSinkOptions) {
    this.options = parsePluginOptions('dynamodbSink', dynamodbSinkOptionsSchema, options);
    this.name = this.options.name;
    this.#clients = lazyClients(this.options);
  }

  get anchors(): boolean {
    return this.options.anchor;
  }

  get anchorLocation(): string {
    return `${this.options.table} item ${ANCHOR_PK} / ${this.options.anchorId}`;
  }

  readonly #error = (err: unknown): never => {
    if (err instanceof TfoError) throw err;
    const status = httpStatus(err);
    throw new TfoError(
      'TFO_ERR_AUDIT',
      `${this.options.table}: ${(err as Error).message || (err as { name?: string }).name || 'failed'}${status ? ` (HTTP ${status})` : ''}`,
      { cause: err },
    );
  };

  /** Before a run: proves an item could be written now (the probe item, replaced every run). */
  async probe(signal?: AbortSignal): Promise<void> {
    const db = await this.#clients.dynamodb().catch(this.#error);
    await writeProbeItem(db, this.options.table, this.name, signal).catch(this.#error);
  }

  async readAnchor(signal?: AbortSignal): Promise<ChainAnchor | undefined> {
    const db = await this.#clients.dynamodb().catch(this.#error);
    return readAnchorItem(db, this.options.table, this.options.anchorId, signal).catch(this.#error);
  }

  async advanceAnchor(anchor: ChainAnchor, signal?: AbortSignal): Promise<void> {
    const db = await this.#clients.dynamodb().catch(this.#error);
    await advanceAnchorItem(db, this.options.table, this.options.anchorId, anchor, signal).catch(this.#error);
  }

  async write(entry: AuditEntry): Promise<void> {
    try {
      const [db, { PutItemCommand }] = await Promise.all([this.#clients.dynamodb(), loadDynamoDbSdk()]);
      await db.send(
        new PutItemCommand({
          TableName: this.options.table,
          Item: item(entry),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (err instanceof TfoError) throw err;
      const exists = (err as { name?: string }).name === 'ConditionalCheckFailedException';
      throw new TfoError(
        'TFO_ERR_AUDIT',
        exists
          ? `${this.options.table}: record ${entry.id} is indexed already: index items are never replaced`
          : `${this.options.table}: ${(err as Error).message}${httpStatus(err) ? ` (HTTP ${httpStatus(err)})` : ''}`,
        { cause: err },
      );
    }
  }

  /**
   * Records matching the query, oldest first. With account (name) and project it is one Query on
   * the partition and the sort key range; otherwise a Scan with the same filters (slower, paginated).
   */
  async query(query: AuditQuery): Promise<IndexedAuditRecord[]> {
    const since = query.since === undefined ? undefined : new Date(parseBound(query.since, 'since')).toISOString();
    const until = query.until === undefined ? undefined : new Date(parseBound(query.until, 'until')).toISOString();
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const filters: string[] = [];
    const filter = (attr: string, op: string, value: string): void => {
      names[`#${attr}`] = attr;
      values[`:${attr}`] = { S: value };
      filters.push(`#${attr} ${op} :${attr}`);
    };
    if (query.action !== undefined) filter('action', '=', query.action);
    const [db, { QueryCommand, ScanCommand }] = await Promise.all([this.#clients.dynamodb(), loadDynamoDbSdk()]).catch(
      this.#queryError,
    );
    const out: IndexedAuditRecord[] = [];
    let start: Record<string, AttributeValue> | undefined;

    if (query.account !== undefined && query.project !== undefined) {
      values[':pk'] = { S: partitionKey(query.account, query.project) };
      // `#` sorts before every character a record id has, `~` after: the range covers whole
      // instants; DynamoDB refuses an empty key value, and `0` sorts before any ISO timestamp
      values[':lo'] = { S: since ?? '0' };
      values[':hi'] = { S: `${until ?? '9999'}~` };
      do {
        const input: QueryCommandInput = {
          TableName: this.options.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: values,
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
        };
        const page = await db.send(new QueryCommand(input)).catch(this.#queryError);
        for (const i of page.Items ?? []) out.push(this.#parse(i));
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    }

    if (query.account !== undefined) filter('account', '=', query.account);
    if (query.project !== undefined) filter('project', '=', query.project);
    if (since !== undefined) filter('timestamp', '>=', since);
    if (until !== undefined) {
      names['#until'] = 'timestamp';
      values[':until'] = { S: until };
      filters.push('#until <= :until');
    }
    do {
      const input: ScanCommandInput = {
        TableName: this.options.table,
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ...(filters.length
          ? {
              FilterExpression: filters.join(' AND '),
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }
          : {}),
      };
      const page = await db.send(new ScanCommand(input)).catch(this.#queryError);
      for (const i of page.Items ?? []) if (isRecordItem(i)) out.push(this.#parse(i));
      start = page.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
  }

  readonly #queryError = (err: unknown): never => {
    throw new TfoError('TFO_ERR_AUDIT', `querying ${this.options.table}: ${(err as Error).message}`, { cause: err });
  };

  #parse(i: Record<string, AttributeValue>): IndexedAuditRecord {
    const where = `${this.options.table} item ${i.pk?.S ?? '?'} / ${i.sk?.S ?? '?'}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(i.record?.S ?? '');
    } catch {
      throw new TfoError('TFO_ERR_AUDIT', `${where}: its record attribute is not JSON`);
    }
    const { outputBytes, outputSha256, findingsOmitted, ...entry } = parsed as IndexedAuditRecord;
    const check = auditEntrySchema.omit({ output: true }).safeParse(entry);
    if (!check.success || typeof outputBytes !== 'number' || typeof outputSha256 !== 'string') {
      throw new TfoError(
        'TFO_ERR_AUDIT',
        `${where}: not a schema ${String((entry as { schemaVersion?: unknown }).schemaVersion)} record: ${check.error?.issues[0]?.message ?? 'output digest missing'}`,
      );
    }
    return {
      ...check.data,
      outputBytes,
      outputSha256,
      ...(findingsOmitted === undefined ? {} : { findingsOmitted }),
    };
  }

  close(): void {
    this.#clients.destroy();
  }
}

/** The DynamoDB index sink (see DynamoDbSink). */
export function dynamodbSink(options: DynamoDbSinkOptions): DynamoDbSink {
  return new DynamoDbSink(options);
}
