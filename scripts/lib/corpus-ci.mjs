// CI log shapes for the redaction corpus (scripts/redact-corpus.mjs): the real terraform and AWS
// CLI outputs of this run as a GitHub Actions or GitLab job log shows them (timestamp prefixes,
// group and section markers, workflow commands), and the other forms secrets take in CI logs (CLI
// flags, URLs, exports, YAML, XML, webhook URLs, IAM unique ids, IPv6 with a port, a token right
// after a colour code, a PEM key or a JWT wrapped over lines).
import { stripVTControlCharacters } from 'node:util';
import { SECRETS, PEM } from './corpus-secrets.mjs';
import { planBlocks } from './corpus-cases.mjs';
import { actions, c, collector, ESC } from './corpus-ci-log.mjs';
import { flagCases } from './corpus-ci-flags.mjs';
import { formatCases } from './corpus-ci-formats.mjs';

export function ciCases(raw) {
  const { cases, add } = collector();
  const tf = (step) => raw.terraform.find((r) => r.step === step);
  const aws = (step) => raw.aws.find((r) => r.step === step);
  const S = SECRETS;
  const pemGo = S.pemBodyRows;

  // ---- terraform's own output inside an Actions job log
  const update = tf('update-plan-colour');
  for (const block of planBlocks(update.stdout).filter((b) => /bootstrap|secret_version|db_password|tls_key/.test(b))) {
    const addr = /# ([\w.]+)/.exec(stripVTControlCharacters(block))?.[1] ?? 'block';
    add(
      `actions: colour plan of ${addr} with timestamps`,
      `${update.command}, each line prefixed as a GitHub Actions log shows it`,
      actions(['##[group]Run terraform plan -input=false', ...block.split('\n'), '##[endgroup]']),
      [S.rootPassword, S.ubuntuPassword, S.deployPassword, S.dbPassword, S.dbPasswordNew, S.apiToken, ...pemGo],
    );
  }
  const show = tf('show-no-color');
  for (const block of planBlocks(show.stdout).filter((b) => /tls_key|bootstrap|aws_instance/.test(b))) {
    add(
      `actions: terraform show of ${/# ([\w.]+)/.exec(block)?.[1]} with timestamps`,
      `${show.command}, each line prefixed as a GitHub Actions log shows it`,
      actions(block.split('\n'), 5000),
      [S.rootPassword, S.ubuntuPassword, ...pemGo, '111111111111'],
    );
  }
  const outJson = tf('output-json');
  add(
    'actions: terraform output -json in a group',
    `${outJson.command} in a GitHub Actions step`,
    actions(['##[group]Run terraform output -json', ...outJson.stdout.trimEnd().split('\n'), '##[endgroup]']),
    secretsOfOutputs(outJson.stdout),
    ['ci_access_key_id', 'ci_secret_access_key', '"sensitive": true'],
  );

  // ---- workflow commands and the step's env dump
  add(
    'actions: add-mask lines',
    'workflow commands a step echoes (the command line itself is in the raw log); the session name is a known secret',
    actions([
      `::add-mask::${S.dbPassword}`,
      `::add-mask::${S.apiToken}`,
      '::notice file=main.tf,line=12::db_password rotated for acme-corpus-orders',
      `::debug::assumed ${S.roleArn} as ${S.sessionName}`,
    ]),
    [S.dbPassword, S.apiToken, S.sessionName, '111111111111'],
    ['::add-mask::', '::notice file=main.tf,line=12::', 'db_password rotated', 'role/tfo-deployer'],
    // the session name in free text (`as <name>`) is marked by nothing: tfo knows it
    [S.sessionName],
  );
  add(
    'actions: env dump of a step',
    'the env: block GitHub Actions prints at the start of a step (values from vars, not secrets, are not masked)',
    actions([
      '##[group]Run terraform apply -input=false -auto-approve',
      'terraform apply -input=false -auto-approve',
      'shell: /usr/bin/bash -e {0}',
      'env:',
      '  AWS_REGION: us-east-1',
      `  AWS_ACCESS_KEY_ID: ${S.accessKeyId}`,
      `  AWS_SECRET_ACCESS_KEY: ${S.secretAccessKey}`,
      `  TF_VAR_db_password: ${S.dbPassword}`,
      `  TF_VAR_api_token: ${S.apiToken}`,
      '  TF_IN_AUTOMATION: 1',
      '##[endgroup]',
    ]),
    [S.accessKeyId, S.secretAccessKey, S.dbPassword, S.apiToken],
    [
      'AWS_REGION: us-east-1',
      'TF_IN_AUTOMATION: 1',
      'shell: /usr/bin/bash -e {0}',
      'AWS_ACCESS_KEY_ID',
      'TF_VAR_db_password',
    ],
  );
  add(
    'actions: error annotation with a password in a URL',
    'git and psql errors as ##[error] lines',
    actions([
      `##[error]fatal: unable to access 'https://deploy-bot:${S.cliToken}@git.acme-corp.example/infra/live.git/': The requested URL returned error: 403`,
      `##[error]psql: error: connection to server at "acme-corpus-orders.c9xk2.us-east-1.rds.amazonaws.com" (${S.ipv4}), port 5432 failed: FATAL:  password authentication failed for user "orders_admin"`,
      `##[error]postgres://orders_admin:${S.rdsPassword}@acme-corpus-orders.c9xk2.us-east-1.rds.amazonaws.com:5432/orders: connection refused`,
      '##[error]Process completed with exit code 1.',
    ]),
    [S.cliToken, S.ipv4, S.rdsPassword],
    [
      'git.acme-corp.example/infra/live.git',
      'The requested URL returned error: 403',
      'password authentication failed for user',
      'port 5432 failed',
    ],
  );

  // ---- a PEM key wrapped in CI logs
  add(
    'actions: PEM key printed line by line',
    'cat of a key file in a step: each PEM line behind its own timestamp',
    actions(['##[group]Run cat deploy_key.pem', ...S.pemLines, '##[endgroup]']),
    pemGo,
    ['-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', 'Run cat deploy_key.pem'],
  );
  add(
    'actions: PEM key as a JSON array, one element a line',
    'a script that prints the key split into lines as a pretty-printed JSON array',
    actions(['[', ...S.pemLines.map((l, i) => `  ${JSON.stringify(l)}${i < S.pemLines.length - 1 ? ',' : ''}`), ']']),
    pemGo,
    ['-----BEGIN PRIVATE KEY-----'],
  );
  add(
    'PEM key as a compact JSON array',
    'JSON.stringify(key.split("\\n")) printed on one line',
    `lines=${JSON.stringify(S.pemLines)}\n`,
    pemGo,
    ['lines='],
  );
  add(
    'PEM key JSON-escaped in a string',
    'a JSON document holding the key with \\n escapes (as aws ssm get-parameter prints it)',
    `{"Parameter": {"Name": "/acme/dev/tls/private-key", "Type": "SecureString", "Value": ${JSON.stringify(PEM + '\n')}, "Version": 1}}\n`,
    pemGo,
    ['/acme/dev/tls/private-key', 'SecureString', '"Version": 1'],
  );
  add(
    'PEM key inside YAML with a block scalar',
    'a Kubernetes Secret manifest echoed by kubectl apply --dry-run -o yaml',
    [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: web-tls',
      '  namespace: acme-web',
      'type: kubernetes.io/tls',
      'stringData:',
      '  tls.key: |',
      ...S.pemLines.map((l) => `    ${l}`),
      '',
    ].join('\n'),
    pemGo,
    ['kind: Secret', 'name: web-tls', 'namespace: acme-web', 'kubernetes.io/tls'],
  );

  // ---- a JWT split over two log lines
  const jwtCut = S.jwt.indexOf('.') + 30;
  add(
    'actions: JWT split over two log lines',
    'an OIDC token printed by a debug step; the runner wrapped the long line',
    actions([`OIDC token: ${S.jwt.slice(0, jwtCut)}`, S.jwt.slice(jwtCut), 'Assuming role with web identity']),
    [S.jwt.slice(0, jwtCut), S.jwt.slice(jwtCut)],
    ['OIDC token:', 'Assuming role with web identity'],
  );
  add(
    'JWT after a colour code',
    'an Authorization header in a coloured HTTP trace',
    `${c('1;34', 'Authorization:')} Bearer ${c('33', S.jwt)}\n${c('1;34', 'Host:')} sts.us-east-1.amazonaws.com\n`,
    [S.jwt],
    ['Authorization:', 'Host:', 'sts.us-east-1.amazonaws.com'],
  );

  // ---- GitLab
  add(
    'gitlab: section markers around exports',
    'a GitLab CI job log (section markers, ESC[0K)',
    [
      `section_start:1796637600:assume_role\r${ESC}[0K${c('36;1', 'Assuming deploy role')}`,
      `${c('32;1', '$ export AWS_ACCESS_KEY_ID=' + S.accessKeyId)}`,
      `${c('32;1', '$ export AWS_SECRET_ACCESS_KEY=' + S.secretAccessKey)}`,
      `${c('32;1', '$ aws sts get-caller-identity --query Arn --output text')}`,
      `arn:aws:sts::111111111111:assumed-role/tfo-deployer/${S.sessionName}`,
      `section_end:1796637604:assume_role\r${ESC}[0K`,
    ].join('\n'),
    [S.accessKeyId, S.secretAccessKey, S.sessionName, '111111111111'],
    ['Assuming deploy role', 'export AWS_ACCESS_KEY_ID=', 'assumed-role/tfo-deployer', 'aws sts get-caller-identity'],
  );
  add(
    'gitlab: terraform plan section',
    'a GitLab CI section holding part of the update plan (colour kept)',
    [
      `section_start:1796637610:plan\r${ESC}[0K${c('36;1', 'terraform plan')}`,
      ...(planBlocks(update.stdout).find((b) => /bootstrap/.test(b)) ?? '').split('\n'),
      `section_end:1796637650:plan\r${ESC}[0K`,
    ].join('\n'),
    [S.rootPassword, S.ubuntuPassword, S.deployPassword],
    ['aws_ssm_parameter.bootstrap', '/acme/dev/web/user-data'],
  );

  flagCases(add, aws);
  formatCases(add, aws);
  return { 'ci-logs.json': cases };
}

function secretsOfOutputs(json) {
  const outputs = JSON.parse(json);
  const go = [];
  for (const o of Object.values(outputs)) if (o.sensitive && typeof o.value === 'string') go.push(o.value);
  if (typeof outputs.ci_access_key_id?.value === 'string') go.push(outputs.ci_access_key_id.value);
  return go;
}
