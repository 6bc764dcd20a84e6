// CI log shapes for the redaction corpus: credentials in CLI flags, webhook URLs, exported
// credentials, IAM unique ids, addresses (see corpus-ci.mjs).
import { SECRETS } from './corpus-secrets.mjs';
import { matchesOf } from './corpus-cases.mjs';
import { actions, c, ESC } from './corpus-ci-log.mjs';

/** @param {Function} add the collector's add; @param {Function} aws a recorded AWS CLI step by name */
export function flagCases(add, aws) {
  const S = SECRETS;
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
    'coloured key/value output of a setup script; the vault token alone on its line is a known secret',
    [
      `${c('32', 'API token:')}${c('33', S.apiToken)}`,
      `${ESC}[33m${S.cliToken}${ESC}[0m  <- vault token`,
      `${c('1', 'region:')} us-east-1`,
      '',
    ].join('\n'),
    [S.apiToken, S.cliToken],
    ['API token:', 'vault token', 'region:'],
    // a token alone on its line is marked by nothing: tfo knows it (`--known-secrets`)
    [S.cliToken],
  );
  add(
    'password right after a colour code in a plan line',
    'a terraform line with a value coloured',
    `      ${c('32', '+')} ${c('1', 'password')} = ${ESC}[33m"${S.dbPassword}"${ESC}[0m\n      ${c('32', '+')} ${c('1', 'engine')}   = "postgres"\n`,
    [S.dbPassword],
    ['engine', 'postgres'],
  );
}
