import { describe, it, expect } from 'vitest';
import { configSchema, type TfoConfig, type TfoConfigInput } from '../src/config/config-schema.js';
import { TfoError } from '../src/errors.js';
import {
  assertUniqueKeys,
  detectServices,
  requireServices,
  resolveAccountAndRegion,
  serviceMap,
  stateKey,
} from '../src/discovery/sharding.js';
import { parseTfvars } from '../src/discovery/tfvars.js';

function makeConfig(extra: Partial<TfoConfigInput> = {}): TfoConfig {
  return configSchema.parse({
    rootModule: './modules/app',
    accounts: {
      dev: { name: 'acme-dev', id: '111111111111' },
      prod: {
        name: 'acme-prod',
        id: '222222222222',
        roleArn: 'arn:aws:iam::222222222222:role/Deployer',
        allowedRegions: ['us-east-1', 'euw1'],
      },
    },
    ...extra,
  });
}

async function target(
  text: string,
  config: TfoConfig = makeConfig(),
): Promise<ReturnType<typeof resolveAccountAndRegion>> {
  return resolveAccountAndRegion(await parseTfvars(text, 'p/x.tfvars'), 'p/x.tfvars', text, config);
}

async function failure(text: string, config: TfoConfig = makeConfig()): Promise<TfoError> {
  try {
    await target(text, config);
  } catch (err) {
    expect(err).toBeInstanceOf(TfoError);
    return err as TfoError;
  }
  throw new Error('expected resolveAccountAndRegion to throw');
}

describe('serviceMap and detectServices', () => {
  it('merges config.services over the defaults', () => {
    const map = serviceMap(makeConfig({ services: { queues: 'sqs', s3_buckets: 'storage' } }));
    expect(map['queues']).toBe('sqs');
    expect(map['s3_buckets']).toBe('storage');
    expect(map['kms_keys']).toBe('kms');
  });

  it('reads services from top-level keys only, sorted and unique', () => {
    const map = serviceMap(makeConfig());
    const values = {
      s3_buckets: { b: { kms_keys: { k: {} }, iam_roles: ['x'] } },
      s3_bucket: { name: 'y' },
      kms_keys: {},
      account_key: 'dev',
      toString: 'not a service',
    };
    expect(detectServices(values, map)).toEqual(['kms', 's3']);
    expect(detectServices({ s3_buckets: {} }, map)).toEqual(['s3']);
    expect(detectServices({ tags: {} }, map)).toEqual([]);
  });

  it('throws TFO_ERR_NO_SERVICES naming the file and the keys it has', () => {
    const err = (() => {
      try {
        requireServices({ tags: {}, name: 'x' }, 'p/x.tfvars', serviceMap(makeConfig()));
      } catch (e) {
        return e as TfoError;
      }
      throw new Error('expected a throw');
    })();
    expect(err.code).toBe('TFO_ERR_NO_SERVICES');
    expect(err.file).toBe('p/x.tfvars');
    expect(err.message).toMatch(/^p\/x\.tfvars:1: .*\(tags, name\)/);
  });
});

describe('stateKey', () => {
  it('uses the service for one service and combined for several', () => {
    expect(stateKey(['s3'], 'acme-dev', 'us-east-1', 'web')).toBe('s3/acme-dev/us-east-1/web/terraform.tfstate');
    expect(stateKey(['kms', 's3'], 'acme-dev', 'us-east-1', 'web')).toBe(
      'combined/acme-dev/us-east-1/web/terraform.tfstate',
    );
  });

  it('refuses no services', () => {
    expect(() => stateKey([], 'a', 'us-east-1', 'p')).toThrow(TfoError);
  });
});

describe('assertUniqueKeys', () => {
  it('passes distinct keys', () => {
    expect(() =>
      assertUniqueKeys([
        { key: 'a', file: 'x' },
        { key: 'b', file: 'y' },
      ]),
    ).not.toThrow();
  });

  it('names both files and the key', () => {
    const key = 's3/acme-dev/us-east-1/web/terraform.tfstate';
    let err: TfoError | undefined;
    try {
      assertUniqueKeys([
        { key, file: 'dev/web/a.tfvars' },
        { key: 'other', file: 'dev/web/c.tfvars' },
        { key, file: 'dev/web/b.tfvars' },
      ]);
    } catch (e) {
      err = e as TfoError;
    }
    expect(err?.code).toBe('TFO_ERR_DUPLICATE_KEY');
    expect(err?.message).toContain('dev/web/a.tfvars');
    expect(err?.message).toContain('dev/web/b.tfvars');
    expect(err?.message).toContain(key);
    expect(err?.message).not.toContain('c.tfvars');
    expect(err?.file).toBe('dev/web/b.tfvars');
  });
});

describe('resolveAccountAndRegion', () => {
  it('reads top-level fields and maps a region code', async () => {
    const { account, region } = await target('account_key = "dev"\nregion_code = "use1"\ns3_buckets = {}\n');
    expect(region).toBe('us-east-1');
    expect(account).toEqual({
      key: 'dev',
      name: 'acme-dev',
      id: '111111111111',
      roleArn: undefined,
      allowedRegions: [],
    });
  });

  it('accepts a full region name and a config region code', async () => {
    expect((await target('account = "dev"\nregion = "ap-southeast-2"\n')).region).toBe('ap-southeast-2');
    expect((await target('account = "dev"\nregion = "us-gov-west-1"\n')).region).toBe('us-gov-west-1');
    const config = makeConfig({ regionCodes: { mel: 'ap-southeast-4' } });
    expect((await target('account = "dev"\nregion = "mel"\n', config)).region).toBe('ap-southeast-4');
  });

  it('uses the first configured field that is present', async () => {
    const config = makeConfig({ accountFields: ['env', 'account_key'] });
    const { account } = await target('account_key = "dev"\nenv = "prod"\nregion = "us-east-1"\n', config);
    expect(account.key).toBe('prod');
  });

  it('lists the known account keys for an unknown account, at its line', async () => {
    const err = await failure('s3_buckets = {}\naccount_key = "staging"\nregion_code = "use1"\n');
    expect(err.code).toBe('TFO_ERR_UNKNOWN_ACCOUNT');
    expect(err.file).toBe('p/x.tfvars');
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/^p\/x\.tfvars:2: .*staging.*known keys: dev, prod/);
  });

  it('hints at the key when the account name is used', async () => {
    const err = await failure('account_key = "acme-prod"\nregion_code = "use1"\n');
    expect(err.message).toContain('account key "prod"');
  });

  it('reports a missing account and a missing region', async () => {
    const noAccount = await failure('region_code = "use1"\ns3_buckets = {}\n');
    expect(noAccount.code).toBe('TFO_ERR_MISSING_ACCOUNT');
    expect(noAccount.message).toMatch(/^p\/x\.tfvars:2: /);
    const noRegion = await failure('account_key = "dev"\n');
    expect(noRegion.code).toBe('TFO_ERR_MISSING_REGION');
    expect(noRegion.line).toBe(1);
  });

  it('reports an unknown region code at its line', async () => {
    const err = await failure('account_key = "dev"\n\nregion_code = "mars1"\n');
    expect(err.code).toBe('TFO_ERR_UNKNOWN_REGION');
    expect(err.line).toBe(3);
    expect(err.message).toContain('mars1');
  });

  it('refuses a region the account does not allow, and allows codes in allowedRegions', async () => {
    const err = await failure('account_key = "prod"\nregion = "us-west-2"\n');
    expect(err.code).toBe('TFO_ERR_REGION_NOT_ALLOWED');
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/^p\/x\.tfvars:2: region us-west-2 .*"prod".*us-east-1, eu-west-1/);
    expect((await target('account_key = "prod"\nregion_code = "euw1"\n')).region).toBe('eu-west-1');
    const ok = await target('account_key = "prod"\nregion_code = "use1"\n');
    expect(ok.account.roleArn).toBe('arn:aws:iam::222222222222:role/Deployer');
    expect(ok.account.allowedRegions).toEqual(['us-east-1', 'euw1']);
  });

  it('reads seed-style fields from service entries when they agree', async () => {
    const text = [
      's3_buckets = {',
      '  "logs" = {',
      '    account_key = "dev"',
      '    region_code = "use1"',
      '  }',
      '  "data" = {',
      '    account_key = "dev"',
      '    region      = "us-east-1"',
      '  }',
      '}',
    ].join('\n');
    const { account, region } = await target(text);
    expect(account.key).toBe('dev');
    expect(region).toBe('us-east-1');
  });

  it('reads fields from a single-object service value', async () => {
    const { account } = await target(
      's3_bucket = {\n  name = "x"\n  account_key = "prod"\n  region = "eu-west-1"\n}\n',
    );
    expect(account.name).toBe('acme-prod');
  });

  it('refuses service entries that disagree on the account, naming both', async () => {
    const text = [
      's3_buckets = {',
      '  a = { account_key = "dev", region_code = "use1" }',
      '}',
      'kms_keys = {',
      '  k = {',
      '    account_key = "prod"',
      '    region_code = "use1"',
      '  }',
      '}',
    ].join('\n');
    const err = await failure(text);
    expect(err.code).toBe('TFO_ERR_UNKNOWN_ACCOUNT');
    expect(err.file).toBe('p/x.tfvars');
    expect(err.line).toBe(6);
    expect(err.message).toMatch(/^p\/x\.tfvars:6: service entries disagree/);
    expect(err.message).toContain('s3_buckets.a');
    expect(err.message).toContain('kms_keys.k');
  });

  it('refuses service entries that disagree on the region', async () => {
    const text =
      's3_buckets = {\n  a = { account_key = "dev", region_code = "use1" }\n  b = { account_key = "dev", region_code = "usw2" }\n}\n';
    const err = await failure(text);
    expect(err.code).toBe('TFO_ERR_UNKNOWN_REGION');
    expect(err.line).toBe(3);
  });

  it('refuses a service entry that omits the field others set', async () => {
    const text =
      's3_buckets = {\n  a = { account_key = "dev", region_code = "use1" }\n  b = { region_code = "use1" }\n}\n';
    const err = await failure(text);
    expect(err.code).toBe('TFO_ERR_MISSING_ACCOUNT');
    expect(err.line).toBe(3);
    expect(err.message).toContain('s3_buckets.b');
  });

  it('prefers top-level fields over entries', async () => {
    const text = 'account_key = "prod"\nregion = "us-east-1"\ns3_buckets = { a = { account_key = "dev" } }\n';
    expect((await target(text)).account.key).toBe('prod');
  });

  it('refuses a non-string account value', async () => {
    const err = await failure('account_key = { a = 1 }\nregion = "us-east-1"\n');
    expect(err.code).toBe('TFO_ERR_UNKNOWN_ACCOUNT');
    expect(err.line).toBe(1);
  });
});
