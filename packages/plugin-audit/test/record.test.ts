import { describe, expect, it } from 'vitest';
import {
  auditRecordSchema,
  canonicalJson,
  planDigest,
  recordHash,
  checkLine,
  sealRecord,
  sha256Hex,
  toAuditRecord,
  type ChainedAuditRecord,
} from '../src/index.js';
import { engineRecord, entry } from './support.js';

const sealed = (): ChainedAuditRecord => sealRecord(entry(), null);

describe('canonical JSON and hash', () => {
  it('sorts keys recursively, drops undefined, keeps array order, no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 'é' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"x":"é","z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('hashes the record without its hash field', () => {
    const record = sealed();
    const { hash, ...body } = record;
    expect(hash).toBe(sha256Hex(canonicalJson(body)));
    expect(recordHash(record)).toBe(hash);
  });
});

describe('record schema', () => {
  it('accepts a sealed record', () => {
    expect(auditRecordSchema.safeParse(sealed()).success).toBe(true);
  });

  it.each<[string, (r: Record<string, unknown>) => void]>([
    ['another schema version', (r) => (r.schemaVersion = 2)],
    ['an unknown action', (r) => (r.action = 'destroy')],
    ['a missing deployment', (r) => delete r.deployment],
    ['a deployment sha256 that is not hex', (r) => ((r.deployment as Record<string, unknown>).sha256 = 'xyz')],
    ['a bad timestamp', (r) => (r.timestamp = 'yesterday')],
    ['an unknown field', (r) => (r.extra = true)],
    ['a hash that is not a SHA-256', (r) => (r.hash = 'abc')],
    ['prev missing', (r) => delete r.prev],
    ['an unknown outcome', (r) => (r.outcome = 'maybe')],
    ['a negative stage duration', (r) => ((r.stages as Array<Record<string, unknown>>)[0]!.durationMs = -1)],
    ['output that is not text', (r) => (r.output = 42)],
    ['an unknown CI provider', (r) => ((r.context as Record<string, unknown>).ci = 'jenkins-x')],
  ])('rejects %s', (_name, mutate) => {
    const record = structuredClone(sealed()) as unknown as Record<string, unknown>;
    mutate(record);
    expect(auditRecordSchema.safeParse(record).success).toBe(false);
  });
});

describe('toAuditRecord', () => {
  it('reads GitHub Actions context, the engine plan digest and error, waivers, stage durations and keeps the output unredacted', () => {
    const plan = { format_version: '1.2', resource_changes: [] };
    const record = toAuditRecord(
      engineRecord({
        output: 'arn:aws:iam::111111111111:role/deploy password=hunter2',
        planSha256: planDigest(plan),
        error: { stage: 'apply', message: 'boom', code: 'TFO_ERR_TERRAFORM', plugin: 'engine' },
        findings: [
          {
            ruleId: 'S3_LOGGING',
            severity: 'low',
            level: 'deny',
            title: 't',
            message: 'm',
            source: 'opa',
            resource: 'aws_s3_bucket.logs',
            waived: { reason: 'log bucket', expires: '2999-01-01' },
            unknown: false,
            profile: 'strict',
            fingerprint: '0123456789abcdef0123456789abcdef',
          },
        ],
      }),
      {
        env: {
          GITHUB_ACTIONS: 'true',
          GITHUB_RUN_ID: '77',
          GITHUB_REPOSITORY: 'acme/infra',
          GITHUB_SHA: 'c0ffee',
          GITHUB_ACTOR: 'alice',
          GITHUB_REF: 'refs/pull/42/merge',
          TFO_APPROVER: 'bob',
          USER: 'runner',
        },
        ci: 'github-actions',
      },
    );
    expect(record.actor).toBe('alice');
    expect(record.context).toEqual({
      ci: 'github-actions',
      ciRunId: '77',
      ciRunUrl: 'https://github.com/acme/infra/actions/runs/77',
      commitSha: 'c0ffee',
      ref: 'refs/pull/42/merge',
      pullRequest: 42,
      approver: 'bob',
    });
    expect(record.planSha256).toBe(planDigest({ resource_changes: [], format_version: '1.2' }));
    // the policy contract's fields reach the trail (consumers track findings by fingerprint)
    expect(record.findings[0]).toMatchObject({
      unknown: false,
      profile: 'strict',
      fingerprint: '0123456789abcdef0123456789abcdef',
    });
    expect(record.waivers).toEqual([
      {
        ruleId: 'S3_LOGGING',
        resource: 'aws_s3_bucket.logs',
        reason: 'log bucket',
        approver: null,
        expires: '2999-01-01',
      },
    ]);
    expect(record.stages).toEqual([
      { stage: 'plan', startedAt: '2025-03-01T10:00:00.000Z', durationMs: 1500, ok: true },
    ]);
    expect(record.error).toEqual({ stage: 'apply', message: 'boom', code: 'TFO_ERR_TERRAFORM', plugin: 'engine' });
    expect(record.output).toContain('111111111111');
    expect(record.output).toContain('hunter2');
  });

  it('reads GitLab CI, and falls back to USER when local', () => {
    const gitlab = toAuditRecord(engineRecord(), {
      ci: 'gitlab-ci',
      env: {
        GITLAB_CI: 'true',
        CI_PIPELINE_ID: '9',
        CI_COMMIT_SHA: 'abc',
        GITLAB_USER_LOGIN: 'carol',
        CI_MERGE_REQUEST_IID: '5',
      },
    });
    expect(gitlab.actor).toBe('carol');
    expect(gitlab.context).toMatchObject({ ci: 'gitlab-ci', ciRunId: '9', commitSha: 'abc', pullRequest: 5 });
    const local = toAuditRecord(engineRecord(), { ci: 'local', env: { USER: 'dave' } });
    expect(local.actor).toBe('dave');
    expect(local.context).toMatchObject({ ci: 'local', pullRequest: null, approver: null });
    expect(local.planSha256).toBeNull();
  });

  it('refuses an engine record that does not fit the schema', () => {
    expect(() => toAuditRecord(engineRecord({ timestamp: 'not a date' }), { env: {} })).toThrow();
  });
});

describe('records written before the engine record carried the error and plan digest', () => {
  /** A record line as the plugin wrote it when it took both from \`settled\` (schema 1, unchanged). */
  const OLD_LINE =
    '{"action":"apply","actor":"alice","context":{"approver":null,"ci":"local","ciRunId":null,"ciRunUrl":null,"commitSha":null,"pullRequest":null,"ref":null},"deployment":{"account":"acme-dev","accountId":"111111111111","file":"deployments/api/api.tfvars","key":"s3/acme-dev/us-east-1/api/terraform.tfstate","project":"api","region":"us-east-1","services":["s3"],"sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},"error":{"code":"TFO_ERR_TERRAFORM","message":"terraform apply exited 1","plugin":"engine","stage":"apply"},"findings":[],"hash":"58008c9e9d238a60b6717612eb1bcbf6e1d7f69761aab18e03b978b1761f9442","id":"rec-old-1","outcome":"failed","output":"Error: boom\\n","planSha256":"18a48a259db54cdede0560e9b59f4b872297d7128f7af04a922550cf9b46b0a7","prev":null,"recovery":null,"runId":"run-old","schemaVersion":1,"seq":1,"stages":[{"durationMs":1500,"ok":false,"stage":"apply","startedAt":"2025-03-01T10:00:00.000Z"}],"timestamp":"2025-03-01T10:00:00.000Z","waivers":[]}';

  it('still verify, and the same deployment gives the same bytes today', () => {
    expect(checkLine(Buffer.from(OLD_LINE, 'utf8'))).toMatchObject({
      ok: true,
      record: { id: 'rec-old-1', planSha256: expect.any(String) },
    });
    const today = toAuditRecord(
      engineRecord({
        id: 'rec-old-1',
        runId: 'run-old',
        outcome: 'failed',
        output: 'Error: boom\n',
        timings: [{ stage: 'apply', startedAt: 1_740_823_200_000, endedAt: 1_740_823_201_500, ok: false }],
        error: { stage: 'apply', message: 'terraform apply exited 1', code: 'TFO_ERR_TERRAFORM', plugin: 'engine' },
        planSha256: planDigest({ format_version: '1.2', resource_changes: [] }),
      }),
      // the old line was written outside CI: say so, whatever CI runs this test
      { env: { USER: 'alice' }, ci: 'local' },
    );
    expect(canonicalJson(sealRecord(today, null, 1))).toBe(OLD_LINE);
  });
});
