// CI log shapes for the redaction corpus: YAML, Kubernetes Secret data, XML, STS output behind
// Actions prefixes, and text with nothing secret in it (see corpus-ci.mjs).
import { SECRETS } from './corpus-secrets.mjs';
import { matchesOf } from './corpus-cases.mjs';
import { actions } from './corpus-ci-log.mjs';

/** @param {Function} add the collector's add; @param {Function} aws a recorded AWS CLI step by name */
export function formatCases(add, aws) {
  const S = SECRETS;
  // ---- YAML and XML
  add(
    'YAML password keys',
    'an application config printed by a step',
    [
      'database:',
      '  host: acme-corpus-orders.c9xk2.us-east-1.rds.amazonaws.com',
      '  port: 5432',
      '  username: orders_admin',
      `  password: ${S.rdsPassword}`,
      'cache:',
      `  auth_token: "${S.apiToken}"`,
      `  secret_key: '${S.cliToken}'`,
      '',
    ].join('\n'),
    [S.rdsPassword, S.apiToken, S.cliToken],
    ['port: 5432', 'username: orders_admin', 'database:', 'cache:'],
  );
  add(
    'YAML in an Actions log',
    'the same config behind timestamps',
    actions(['database:', `  password: "${S.dbPassword}"`, '  pool: 10'], 15000),
    [S.dbPassword],
    ['pool: 10'],
  );
  add(
    'Kubernetes Secret data (base64)',
    'kubectl get secret -o yaml',
    [
      'apiVersion: v1',
      'data:',
      `  DB_PASSWORD: ${Buffer.from(S.dbPassword).toString('base64')}`,
      `  API_TOKEN: ${Buffer.from(S.apiToken).toString('base64')}`,
      'kind: Secret',
      'metadata:',
      '  name: app-credentials',
      'type: Opaque',
      '',
    ].join('\n'),
    [Buffer.from(S.dbPassword).toString('base64'), Buffer.from(S.apiToken).toString('base64')],
    ['name: app-credentials', 'type: Opaque', 'DB_PASSWORD', 'API_TOKEN'],
  );
  add(
    'XML password elements',
    'a Maven settings.xml and an RDS API response printed in a step',
    [
      '<server>',
      '  <id>acme-nexus</id>',
      '  <username>deploy-bot</username>',
      `  <password>${S.cliToken}</password>`,
      '</server>',
      `<CreateDBInstanceRequest><MasterUsername>orders_admin</MasterUsername><MasterUserPassword>${S.rdsPassword}</MasterUserPassword><DBInstanceIdentifier>acme-corpus-orders</DBInstanceIdentifier></CreateDBInstanceRequest>`,
      `<Password>${S.dbPassword}</Password>`,
      '',
    ].join('\n'),
    [S.cliToken, S.rdsPassword, S.dbPassword],
    ['<id>acme-nexus</id>', '<username>deploy-bot</username>', 'acme-corpus-orders', 'MasterUsername'],
  );
  const xml = aws('xml-assume-role');
  add(
    'actions: STS XML behind timestamps',
    `${xml.command}, output in a GitHub Actions log`,
    actions([xml.stdout.trim()], 20000),
    [
      ...matchesOf(xml.stdout, /<(?:SessionToken|SecretAccessKey|AccessKeyId)>([^<]+)</g),
      ...matchesOf(xml.stdout, /\b(AROA[A-Z0-9]{17})\b/g),
      S.sessionName,
      '111111111111',
    ],
    ['AssumeRoleResponse', 'assumed-role/tfo-deployer'],
  );
  const assumeJson = aws('assume-role-json');
  add(
    'actions: assume-role JSON in a group',
    `${assumeJson.command}, output in a GitHub Actions log`,
    actions(['##[group]Run aws sts assume-role', ...assumeJson.stdout.trimEnd().split('\n'), '##[endgroup]'], 21000),
    [
      ...matchesOf(assumeJson.stdout, /"(?:SessionToken|SecretAccessKey|AccessKeyId)": "([^"]+)"/g),
      ...matchesOf(assumeJson.stdout, /\b(AROA[A-Z0-9]{17})\b/g),
      S.sessionName,
      '111111111111',
    ],
    ['"Credentials"', '"Expiration"', 'assumed-role/tfo-deployer'],
  );

  // ---- text with nothing to hide: all of it stays
  const digest = 'sha256:' + '3f1c'.repeat(16);
  add(
    'docker pull (nothing secret)',
    'docker pull in a CI log',
    actions([
      'Using default tag: latest',
      'latest: Pulling from acme/web',
      `Digest: ${digest}`,
      'Status: Downloaded newer image for registry.acme-corp.example/acme/web:latest',
    ]),
    [],
    ['Pulling from acme/web', digest, 'Status: Downloaded newer image', 'registry.acme-corp.example/acme/web:latest'],
  );
  add(
    'checkout (nothing secret)',
    'actions/checkout output',
    actions([
      '##[group]Fetching the repository',
      '[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +9c4f0a2be1d37e6a8c1f0b7d2e5a4c3b1f0e9d8c:refs/remotes/origin/main',
      ' * [new ref]         9c4f0a2be1d37e6a8c1f0b7d2e5a4c3b1f0e9d8c -> origin/main',
      '##[endgroup]',
    ]),
    [],
    ['9c4f0a2be1d37e6a8c1f0b7d2e5a4c3b1f0e9d8c', 'refs/remotes/origin/main', 'Fetching the repository'],
  );
  add(
    'security group rule summary (nothing secret)',
    'a policy check step',
    actions([
      'TFO-EC2-001 warn aws_security_group.web: ingress 443/tcp from 0.0.0.0/0',
      'request id 7a1e9c52-4f0d-4b8e-9a36-2c5d8e1f0b74 for i-08123799d6c3665c2',
      'Plan: 2 to add, 1 to change, 0 to destroy.',
    ]),
    [],
    [
      'aws_security_group.web',
      '0.0.0.0/0',
      '7a1e9c52-4f0d-4b8e-9a36-2c5d8e1f0b74',
      'i-08123799d6c3665c2',
      'Plan: 2 to add, 1 to change, 0 to destroy.',
      'TFO-EC2-001',
    ],
  );
  add(
    'keys that are not secrets',
    'terraform and AWS names that contain the word key or token',
    [
      '  + kms_key_id             = "alias/aws/ssm"',
      '  + key_name               = "acme-web-deployer"',
      '  + token_duration_minutes = 60',
      '  + password_reset_required = false',
      '  + secret_id              = "acme/dev/app-credentials"',
      '  + enable_key_rotation    = true',
      '',
    ].join('\n'),
    [],
    [
      'kms_key_id',
      'alias/aws/ssm',
      'key_name',
      'acme-web-deployer',
      'token_duration_minutes',
      '= 60',
      'password_reset_required',
      '= false',
      'acme/dev/app-credentials',
      'enable_key_rotation',
      '= true',
    ],
  );
}
