import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { ResolvedS3BackupOptions } from './options.js';

export interface Clients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

// The pinned SDK runs on Node 20 and 22 (see engines); its notice that later releases will need
// Node 22 would print on every command, so it is silenced here unless the user set it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Retries with backoff on throttling and 5xx (the SDK's adaptive mode), a few more than the default. */
const RETRY = { maxAttempts: 6, retryMode: 'adaptive' as const };

/**
 * SDK clients per role: credentials come from the environment (never from config), and a role is
 * assumed through STS and refreshed before it expires. One set of clients per role, reused.
 */
export class ClientCache {
  readonly #byRole = new Map<string, Clients>();

  constructor(private readonly options: Pick<ResolvedS3BackupOptions, 'region' | 'endpoints' | 'usePathStyle'>) {}

  for(roleArn: string | undefined): Clients {
    const key = roleArn ?? '';
    let clients = this.#byRole.get(key);
    if (!clients) {
      const credentials = roleArn ? this.#assumed(roleArn) : undefined;
      const common = { region: this.options.region, ...RETRY, ...(credentials ? { credentials } : {}) };
      clients = {
        s3: new S3Client({ ...common, endpoint: this.options.endpoints.s3, forcePathStyle: this.options.usePathStyle }),
        dynamodb: new DynamoDBClient({ ...common, endpoint: this.options.endpoints.dynamodb }),
      };
      this.#byRole.set(key, clients);
    }
    return clients;
  }

  #assumed(roleArn: string): () => Promise<Credentials> {
    const sts = new STSClient({ region: this.options.region, endpoint: this.options.endpoints.sts, ...RETRY });
    let cached: Credentials | undefined;
    return async () => {
      if (cached?.expiration && cached.expiration.getTime() - Date.now() > 5 * 60_000) return cached;
      const out = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `tfo-state-${process.pid}`, DurationSeconds: 3600 }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`assuming ${roleArn} returned no credentials`);
      cached = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
      return cached;
    };
  }

  destroy(): void {
    for (const c of this.#byRole.values()) {
      c.s3.destroy();
      c.dynamodb.destroy();
    }
    this.#byRole.clear();
  }
}
