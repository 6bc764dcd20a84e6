import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { assumeRoleCredentials, type RoleCredentials } from './assume-role.js';
import { AWS_RETRY, type AwsClientOptions } from './options.js';
import { loadDynamoDbSdk, loadS3Sdk } from './sdk.js';

/** A client the cache made, to destroy with it. */
interface Destroyable {
  destroy(): void;
}

/**
 * SDK clients per role, reused: without a role the ambient credentials (the SDK's default chain;
 * never from config), with one the role assumed through STS and refreshed before it expires.
 * A client's SDK package is imported when the first client of its kind is asked for.
 */
export class ClientCache {
  readonly #s3 = new Map<string, Promise<S3Client>>();
  readonly #dynamodb = new Map<string, Promise<DynamoDBClient>>();
  readonly #roles = new Map<string, RoleCredentials>();
  readonly #made: Destroyable[] = [];
  readonly #retry;

  constructor(readonly options: AwsClientOptions) {
    this.#retry = options.retry ?? AWS_RETRY;
  }

  /** The S3 client of a role (undefined: the ambient credentials). */
  s3(roleArn?: string): Promise<S3Client> {
    return this.#client(this.#s3, roleArn, async () => {
      const { S3Client } = await loadS3Sdk();
      return new S3Client({
        ...this.#common(roleArn),
        endpoint: this.options.endpoints?.s3,
        forcePathStyle: this.options.usePathStyle ?? false,
      });
    });
  }

  /** The DynamoDB client of a role (undefined: the ambient credentials). */
  dynamodb(roleArn?: string): Promise<DynamoDBClient> {
    return this.#client(this.#dynamodb, roleArn, async () => {
      const { DynamoDBClient } = await loadDynamoDbSdk();
      return new DynamoDBClient({ ...this.#common(roleArn), endpoint: this.options.endpoints?.dynamodb });
    });
  }

  #client<T extends Destroyable>(
    byRole: Map<string, Promise<T>>,
    roleArn: string | undefined,
    make: () => Promise<T>,
  ): Promise<T> {
    const key = roleArn ?? '';
    let client = byRole.get(key);
    if (!client) {
      client = make().then((made) => {
        this.#made.push(made);
        return made;
      });
      // a failed import is not kept: the next call tries again
      client.catch(() => byRole.delete(key));
      byRole.set(key, client);
    }
    return client;
  }

  #common(roleArn: string | undefined) {
    const role = roleArn ? this.#role(roleArn) : undefined;
    return {
      region: this.options.region,
      maxAttempts: this.#retry.maxAttempts,
      retryMode: this.#retry.retryMode,
      ...(role ? { credentials: () => role.provide() } : {}),
    };
  }

  /** One credential provider per role, shared by that role's clients. */
  #role(roleArn: string): RoleCredentials {
    let role = this.#roles.get(roleArn);
    if (!role) {
      role = assumeRoleCredentials({
        roleArn,
        region: this.options.region,
        endpoint: this.options.endpoints?.sts,
        retry: this.#retry,
        sessionName: this.options.sessionName ?? 'tfo',
      });
      this.#roles.set(roleArn, role);
    }
    return role;
  }

  /** Closes every client made so far; later calls make new ones. */
  destroy(): void {
    for (const c of this.#made.splice(0)) c.destroy();
    for (const r of this.#roles.values()) r.destroy();
    this.#s3.clear();
    this.#dynamodb.clear();
    this.#roles.clear();
  }
}
