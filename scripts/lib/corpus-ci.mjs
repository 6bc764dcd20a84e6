// CI log shapes for the redaction corpus (scripts/redact-corpus.mjs): the real terraform and AWS
// CLI outputs of this run as a GitHub Actions or GitLab job log shows them (timestamp prefixes,
// group and section markers, workflow commands), and the other forms secrets take in CI logs (CLI
// flags, URLs, exports, YAML, XML, webhook URLs, IAM unique ids, IPv6 with a port, a token right
// after a colour code, a PEM key or a JWT wrapped over lines).
import { stripVTControlCharacters } from 'node:util';
import { SECRETS, PEM } from './corpus-secrets.mjs';
import { makeCase, matchesOf, planBlocks } from './corpus-cases.mjs';

const ESC = '\u001b';
const c = (code, text) => `${ESC}[${code}m${text}${ESC}[0m`;

/** GitHub Actions prefixes every line with an ISO timestamp of 7 fractional digits. */
function actions(lines, start = 0) {
  return lines
    .map((line, i) => {
      const ms = start + i * 37;
      const sec = String(Math.floor(ms / 1000) % 60).padStart(2, '0');
      const frac = String((ms % 1000) * 10000 + 1234).padStart(7, '0');
      return `2026-12-07T10:00:${sec}.${frac}Z ${line}`;
    })
    .join('\n');
}

const STAY_COMMON = [
  '##[group]',
  '##[endgroup]',
  '##[error]',
  '##[warning]',
  'section_start',
  'section_end',
  'us-east-1',
  '0.0.0.0/0',
  'acme-corpus-artifacts-use1',
  'aws_ssm_parameter.bootstrap',
  'aws_secretsmanager_secret_version.app',
  'aws_iam_access_key.ci',
  'tfo-deployer',
  'Plan: ',
  '(sensitive value)',
  'hooks.slack.com/services/',
  'registry.acme-corp.example',
  'orders_admin',
  'acme-corpus-orders',
  'Process completed with exit code 1.',
  'Login Succeeded',
  'connect: connection refused',
  ':443',
  ':5432',
  'Run terraform',
  'Run aws sts',
];

const STAY_PATTERNS = [
  /\b2026-12-07T\d\d:\d\d:\d\d\.\d{7}Z/g,
  /sha256:[0-9a-f]{64}/g,
  /\b[0-9a-f]{40}\b/g,
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
  /\bi-[0-9a-f]{17}\b/g,
  /Plan: \d+ to add, \d+ to change, \d+ to destroy\./g,
  /<RequestId>([^<]{8,64})<\/RequestId>/g,
];

export function ciCases(raw) {
  const cases = [];
  const add = (name, source, input, go, stay = []) => {
    const made = makeCase({
      name,
      source,
      input,
      go,
      stay: [...STAY_COMMON, ...stay, ...STAY_PATTERNS.flatMap((re) => matchesOf(stripVTControlCharacters(input), re))],
    });
    if (made) cases.push(made);
  };
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
    'workflow commands a step echoes (the command line itself is in the raw log)',
    actions([
      `::add-mask::${S.dbPassword}`,
      `::add-mask::${S.apiToken}`,
      '::notice file=main.tf,line=12::db_password rotated for acme-corpus-orders',
      `::debug::assumed ${S.roleArn} as ${S.sessionName}`,
    ]),
    [S.dbPassword, S.apiToken, S.sessionName, '111111111111'],
    ['::add-mask::', '::notice file=main.tf,line=12::', 'db_password rotated', 'role/tfo-deployer'],
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

  // ---- CLI flags
  const flags = [
    [
      'mysql -p glued',
      `mysql -h acme-corpus-orders.c9xk2.us-east-1.rds.amazonaws.com -u orders_admin -p${S.mysqlPassword} orders`,
      [S.mysqlPassword],
      ['mysql -h', '-u orders_admin'],
    ],
    [
      'mysql -p spaced',
      `+ mysql --host=${S.ipv4} --user=orders_admin -p ${S.mysqlPassword} -e 'select 1'`,
      [S.mysqlPassword, S.ipv4],
      ['--user=orders_admin', 'select 1'],
    ],
    [
      '--password x',
      `+ helm upgrade web ./chart --set image.tag=1.4.2 --password ${S.cliToken} --namespace acme-web`,
      [S.cliToken],
      ['helm upgrade web ./chart', 'image.tag=1.4.2', '--namespace acme-web'],
    ],
    [
      '--password=x',
      `+ vault login -method=userpass username=deploy-bot --password=${S.cliToken}`,
      [S.cliToken],
      ['vault login -method=userpass', 'username=deploy-bot'],
    ],
    [
      '--token=x',
      `+ tfo-notify --channel '#deploys' --token=${S.cliToken} --message 'apply ok'`,
      [S.cliToken],
      ["--channel '#deploys'", "'apply ok'"],
    ],
    [
      '--token x',
      `+ vault write auth/approle/login role_id=web --token ${S.cliToken}`,
      [S.cliToken],
      ['auth/approle/login', 'role_id=web'],
    ],
    [
      '--client-secret',
      `+ az login --service-principal -u 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d --client-secret ${S.cliToken} --tenant acme-corp.example`,
      [S.cliToken],
      ['az login --service-principal', '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
    ],
    [
      'docker login -p',
      `+ docker login -u acme-ci -p ${S.dockerPassword} registry.acme-corp.example\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded`,
      [S.dockerPassword],
      ['docker login -u acme-ci', 'Using --password via the CLI is insecure'],
    ],
    [
      'docker login --password=',
      `+ docker login --username=acme-ci --password=${S.dockerPassword} registry.acme-corp.example`,
      [S.dockerPassword],
      ['--username=acme-ci'],
    ],
    [
      'curl -u user:pass',
      `+ curl -fsS -u deploy-bot:${S.cliToken} https://nexus.acme-corp.example/repository/raw/web-1.4.2.tgz -o web.tgz`,
      [S.cliToken],
      ['nexus.acme-corp.example/repository/raw/web-1.4.2.tgz', 'deploy-bot'],
    ],
    [
      'curl -H X-Api-Key',
      `+ curl -H "X-Api-Key: ${S.apiToken}" https://status.acme-corp.example/api/v1/deploys`,
      [S.apiToken],
      ['status.acme-corp.example/api/v1/deploys', 'X-Api-Key'],
    ],
    [
      'TF_VAR on the command line',
      `+ TF_VAR_db_password='${S.dbPassword}' terraform plan -input=false -out=plan.tfplan`,
      [S.dbPassword],
      ['terraform plan -input=false -out=plan.tfplan', 'TF_VAR_db_password'],
    ],
    [
      'terraform -var',
      `+ terraform apply -var "db_password=${S.dbPassword}" -var "environment=dev" -auto-approve`,
      [S.dbPassword],
      ['environment=dev', 'terraform apply'],
    ],
  ];
  for (const [name, line, go, stay] of flags) {
    add(
      `cli flag: ${name}`,
      'a shell trace line (set -x) in a CI log',
      actions([line.split('\n')[0]], 9000) +
        (line.includes('\n') ? '\n' + actions(line.split('\n').slice(1), 9100) : ''),
      go,
      stay,
    );
  }

  // ---- webhooks, exports, ids, addresses
  const slack = `https://hooks.slack.com/services/${S.slackPath}`;
  const slackSecret = S.slackPath.split('/').pop();
  add(
    'slack webhook in curl',
    'a notify step',
    actions([
      `+ curl -X POST -H 'Content-type: application/json' --data '{"text":"apply ok: acme-corpus-artifacts-use1"}' ${slack}`,
      'ok',
    ]),
    [slackSecret, S.slackPath],
    ['Content-type: application/json', '"text":"apply ok: acme-corpus-artifacts-use1"'],
  );
  add(
    'slack webhook in JSON config',
    'an echoed notifier config',
    `{"notify": {"slack": {"webhook_url": "${slack}", "channel": "#deploys"}}}\n`,
    [slackSecret, S.slackPath],
    ['"channel": "#deploys"', 'webhook_url'],
  );
  const exp = aws('session-export');
  add(
    'exported session credentials',
    `${exp.command} (the shell lines a credentials helper prints)`,
    exp.stdout,
    [...matchesOf(exp.stdout, /=(\S+)$/gm)],
    ['export AWS_ACCESS_KEY_ID=', 'export AWS_SESSION_TOKEN='],
  );
  add(
    'exported credentials in an Actions log',
    'a debug step that echoes exports, timestamps in front',
    actions(exp.stdout.trimEnd().split('\n'), 12000),
    [...matchesOf(exp.stdout, /=(\S+)$/gm)],
    ['export AWS_SECRET_ACCESS_KEY='],
  );
  add(
    'dotenv lines',
    'a .env file printed with cat',
    [
      `AWS_ACCESS_KEY_ID=${S.accessKeyId}`,
      `AWS_SECRET_ACCESS_KEY="${S.secretAccessKey}"`,
      `DATABASE_URL=postgres://orders_admin:${S.rdsPassword}@db.acme-corp.example:5432/orders`,
      'LOG_LEVEL=debug',
      'AWS_REGION=us-east-1',
      '',
    ].join('\n'),
    [S.accessKeyId, S.secretAccessKey, S.rdsPassword],
    ['LOG_LEVEL=debug', 'AWS_REGION=us-east-1', 'db.acme-corp.example:5432/orders'],
  );

  const caller = aws('session-caller-identity-debug');
  const uniqueIds = matchesOf(caller.stderr + caller.stdout, /\b(AROA[A-Z0-9]{17})\b/g);
  const uid = uniqueIds[0] ?? 'AROA' + 'EXAMPLEID1234567Z';
  add(
    'IAM unique id with a session name',
    'get-caller-identity UserId of the assumed role, in a log line',
    actions([
      `caller: UserId=${uid}:${S.sessionName} Account=111111111111 Arn=arn:aws:sts::111111111111:assumed-role/tfo-deployer/${S.sessionName}`,
    ]),
    [uid, S.sessionName, '111111111111'],
    ['UserId=', 'assumed-role/tfo-deployer'],
  );
  add(
    'IAM unique ids in a policy principal list',
    'aws iam get-role output (AROA/AIDA ids, 21 characters)',
    JSON.stringify(
      {
        Role: { RoleName: 'tfo-deployer', RoleId: uid, Arn: S.roleArn, CreateDate: '2026-12-07T09:58:11+00:00' },
        Users: [{ UserName: 'acme-corpus-ci-deployer', UserId: 'AIDA' + 'EXAMPLEUSR0042QZ7' }],
      },
      null,
      4,
    ) + '\n',
    [uid, 'AIDA' + 'EXAMPLEUSR0042QZ7', '111111111111'],
    ['"RoleName": "tfo-deployer"', 'acme-corpus-ci-deployer', '2026-12-07T09:58:11+00:00'],
  );
  add(
    'IPv6 with a port',
    'connection errors from a runner with IPv6',
    actions([
      `dial tcp [${S.ipv6}]:443: connect: connection refused`,
      `could not connect to ${S.ipv6}:5432: Connection timed out`,
      `ssh: connect to host ${S.ipv6} port 22: No route to host`,
    ]),
    [S.ipv6],
    ['connect: connection refused', 'Connection timed out', 'port 22: No route to host'],
  );
  add(
    'IPv4 and email in a deploy note',
    'a notify step',
    actions([
      `deployed acme-corpus-web to ${S.ipv4} by ${S.email}`,
      `ssh ubuntu@${S.ipv4} -p 22 'sudo systemctl restart web'`,
    ]),
    [S.ipv4, S.email],
    ['deployed acme-corpus-web to', 'sudo systemctl restart web'],
  );
  add(
    'token right after a colour code',
    'coloured key/value output of a setup script',
    [
      `${c('32', 'API token:')}${c('33', S.apiToken)}`,
      `${ESC}[33m${S.cliToken}${ESC}[0m  <- vault token`,
      `${c('1', 'region:')} us-east-1`,
      '',
    ].join('\n'),
    [S.apiToken, S.cliToken],
    ['API token:', 'vault token', 'region:'],
  );
  add(
    'password right after a colour code in a plan line',
    'a terraform line with a value coloured',
    `      ${c('32', '+')} ${c('1', 'password')} = ${ESC}[33m"${S.dbPassword}"${ESC}[0m\n      ${c('32', '+')} ${c('1', 'engine')}   = "postgres"\n`,
    [S.dbPassword],
    ['engine', 'postgres'],
  );

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

  return { 'ci-logs.json': cases };
}

function secretsOfOutputs(json) {
  const outputs = JSON.parse(json);
  const go = [];
  for (const o of Object.values(outputs)) if (o.sensitive && typeof o.value === 'string') go.push(o.value);
  if (typeof outputs.ci_access_key_id?.value === 'string') go.push(outputs.ci_access_key_id.value);
  return go;
}
