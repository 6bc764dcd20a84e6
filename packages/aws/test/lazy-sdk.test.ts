// The AWS SDK is imported only when a client is first asked for, and only the client asked for:
// checked on the modules a child node process really loads (the built package, dist/).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadedModules, modulesOfScope } from '../../../scripts/lib/loaded-modules.mjs';

const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', AWS_EC2_METADATA_DISABLED: 'true' };
const sdkPackages = (modules: string[]): string[] =>
  [...new Set(modulesOfScope(modules, '@aws-sdk').map((m) => /@aws-sdk[\\/]([^\\/]+)/.exec(m)![1]!))].sort();

describe('@tfo/aws loads the SDK lazily', () => {
  it('importing the package and making a cache loads no SDK module', async () => {
    const { modules, stdout } = await loadedModules(
      `import { ClientCache, ROLE_ARN_PATTERN } from '@tfo/aws';
       const c = new ClientCache({ region: 'us-east-1', endpoints: { s3: 'http://127.0.0.1:9' } });
       c.destroy();
       console.log(typeof ClientCache, ROLE_ARN_PATTERN.test('arn:aws:iam::111111111111:role/x'));`,
      { cwd: PKG, env },
    );
    expect(stdout.trim()).toBe('function true');
    expect(modules.some((m) => m.includes(`${path.sep}aws${path.sep}dist${path.sep}client-cache.js`))).toBe(true);
    expect(sdkPackages(modules)).toEqual([]);
    expect(modulesOfScope(modules, '@smithy')).toEqual([]);
  });

  it('the first S3 client loads the S3 client package, not DynamoDB nor STS (no role)', async () => {
    const { modules } = await loadedModules(
      `import { ClientCache } from '@tfo/aws';
       const c = new ClientCache({ region: 'us-east-1', endpoints: { s3: 'http://127.0.0.1:9' } });
       await c.s3();
       c.destroy();`,
      { cwd: PKG, env },
    );
    const loaded = sdkPackages(modules);
    expect(loaded).toContain('client-s3');
    expect(loaded).not.toContain('client-dynamodb');
    expect(loaded).not.toContain('client-sts');
  });
});
