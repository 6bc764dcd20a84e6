import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TfoError } from '@tfo/engine';
import { chainAnchorSchema, describeAnchor, type ChainAnchor } from './anchor.js';
import { loadDynamoDbSdk } from './aws.js';
import { canonicalJson } from './canonical.js';

/**
 * Partition keys of the items that are not records. A record's partition key is
 * `<account name>#<project>` and an account name is never empty, so these never meet one.
 */
export const ANCHOR_PK = '#tfo-anchor';
export const PROBE_PK = '#tfo-probe';

/** Whether an index item is a record (and not the anchor or the probe). */
export const isRecordItem = (item: Record<string, AttributeValue>): boolean => !item.pk?.S?.startsWith('#');

/** The anchor item `#tfo-anchor / <anchorId>`, read consistently; undefined when there is none. */
export async function readAnchorItem(
  db: DynamoDBClient,
  table: string,
  anchorId: string,
  signal?: AbortSignal,
): Promise<ChainAnchor | undefined> {
  const { GetItemCommand } = await loadDynamoDbSdk();
  const out = await db.send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: ANCHOR_PK }, sk: { S: anchorId } }, ConsistentRead: true }),
    { abortSignal: signal },
  );
  if (!out.Item) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(out.Item.anchor?.S ?? '');
  } catch {
    parsed = undefined;
  }
  const check = chainAnchorSchema.safeParse(parsed);
  if (!check.success)
    throw new TfoError('TFO_ERR_AUDIT', `${table} item ${ANCHOR_PK} / ${anchorId}: not a chain anchor`);
  return check.data;
}

/**
 * Moves the anchor item forward in one conditional write: it is written only when absent, behind
 * the new position, or at it with the same hash. A refusal names where the stored anchor is.
 */
export async function advanceAnchorItem(
  db: DynamoDBClient,
  table: string,
  anchorId: string,
  anchor: ChainAnchor,
  signal?: AbortSignal,
): Promise<void> {
  const { PutItemCommand } = await loadDynamoDbSdk();
  try {
    await db.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: ANCHOR_PK },
          sk: { S: anchorId },
          seq: { N: String(anchor.seq) },
          hash: { S: anchor.hash },
          anchor: { S: canonicalJson(anchor) },
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #seq < :seq OR (#seq = :seq AND #hash = :hash)',
        ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash' },
        ExpressionAttributeValues: { ':seq': { N: String(anchor.seq) }, ':hash': { S: anchor.hash } },
      }),
      { abortSignal: signal },
    );
  } catch (err) {
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    const at = await readAnchorItem(db, table, anchorId, signal);
    throw new TfoError(
      'TFO_ERR_AUDIT',
      `${table} item ${ANCHOR_PK} / ${anchorId} names ${at ? describeAnchor(at) : 'another record'}, which the file trail at #${anchor.seq} does not reach: records were removed from the trail (run \`tfo audit verify\`), or another trail shares this anchor`,
      { cause: err },
    );
  }
}

/** Proves an item could be written now: replaces `#tfo-probe / <sink name>`. */
export async function writeProbeItem(
  db: DynamoDBClient,
  table: string,
  sink: string,
  signal?: AbortSignal,
): Promise<void> {
  const { PutItemCommand } = await loadDynamoDbSdk();
  await db.send(
    new PutItemCommand({
      TableName: table,
      Item: { pk: { S: PROBE_PK }, sk: { S: sink }, probedAt: { S: new Date().toISOString() } },
    }),
    { abortSignal: signal },
  );
}
