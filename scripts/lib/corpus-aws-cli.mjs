// The AWS CLI's STS shapes for the redaction corpus (scripts/redact-corpus.mjs): get-caller-identity,
// assume-role and get-session-token against moto in JSON, text and table output, their --debug logs
// (botocore prints signed request headers and raw response bodies), a call signed with the session
// credentials (X-Amz-Security-Token), and the raw STS XML fetched with a SigV4-signed curl request.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { SECRETS } from './corpus-secrets.mjs';
import { chunks, makeCase, matchesOf } from './corpus-cases.mjs';

const ROLE_ARN = SECRETS.roleArn;

/** @returns {Promise<Array<{ step: string, command: string, stdout: string, stderr: string }>>} */
export async function runAwsCli({ endpoint, onStep = () => {} }) {
  const home = await mkdtemp(path.join(tmpdir(), 'tfo-corpus-aws-'));
  const base = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: SECRETS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SECRETS.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const out = [];
  const run = async (step, file, args, env = base) => {
    onStep(step);
    const r = await execa(file, args, { env, extendEnv: false, reject: false, stripFinalNewline: false });
    if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.exitCode}:\n${r.stderr.slice(-3000)}`);
    const shown = args.map((a) => (a === endpoint ? a : /\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
    out.push({ step, command: `${file} ${shown}`, stdout: r.stdout, stderr: r.stderr });
    return r;
  };
  try {
    const sts = (...args) => ['sts', ...args, '--endpoint-url', endpoint];
    const assume = [
      'assume-role',
      '--role-arn',
      ROLE_ARN,
      '--role-session-name',
      SECRETS.sessionName,
      '--external-id',
      SECRETS.externalId,
    ];
    for (const output of ['json', 'text', 'table']) {
      await run(`get-caller-identity-${output}`, 'aws', sts('get-caller-identity', '--output', output));
      await run(`assume-role-${output}`, 'aws', sts(...assume, '--output', output));
      await run(
        `get-session-token-${output}`,
        'aws',
        sts('get-session-token', '--duration-seconds', '3600', '--output', output),
      );
    }
    const debug = await run('assume-role-debug', 'aws', sts(...assume, '--output', 'json', '--debug'));
    await run('get-caller-identity-debug', 'aws', sts('get-caller-identity', '--debug'));
    // a call signed with the temporary credentials: the session token travels as a header
    const creds = JSON.parse(debug.stdout).Credentials;
    const session = {
      ...base,
      AWS_ACCESS_KEY_ID: creds.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
      AWS_SESSION_TOKEN: creds.SessionToken,
    };
    await run('session-caller-identity-debug', 'aws', sts('get-caller-identity', '--debug'), session);
    // what terraform stored, read back in the role's account (JSON and text output)
    await run(
      'ssm-get-parameter',
      'aws',
      ['ssm', 'get-parameter', '--name', '/acme/dev/tls/private-key', '--with-decryption', '--endpoint-url', endpoint],
      session,
    );
    await run(
      'ssm-get-parameter-text',
      'aws',
      [
        'ssm',
        'get-parameter',
        '--name',
        '/acme/dev/db/password',
        '--with-decryption',
        '--output',
        'text',
        '--endpoint-url',
        endpoint,
      ],
      session,
    );
    await run(
      'secretsmanager-get-secret-value',
      'aws',
      ['secretsmanager', 'get-secret-value', '--secret-id', 'acme/dev/app-credentials', '--endpoint-url', endpoint],
      session,
    );
    await run(
      'session-export',
      'sh',
      [
        '-c',
        'echo "export AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID"; echo "export AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY"; echo "export AWS_SESSION_TOKEN=$AWS_SESSION_TOKEN"',
      ],
      session,
    );
    // the raw STS XML, from a SigV4-signed request
    const curl = (step, body) =>
      run(step, 'curl', [
        '-sS',
        '--aws-sigv4',
        'aws:amz:us-east-1:sts',
        '--user',
        `${SECRETS.accessKeyId}:${SECRETS.secretAccessKey}`,
        '-H',
        'Content-Type: application/x-www-form-urlencoded',
        '--data',
        body,
        `${endpoint}/`,
      ]);
    const form = (o) => new URLSearchParams({ ...o, Version: '2011-06-15' }).toString();
    await curl(
      'xml-assume-role',
      form({
        Action: 'AssumeRole',
        RoleArn: ROLE_ARN,
        RoleSessionName: SECRETS.sessionName,
        ExternalId: SECRETS.externalId,
      }),
    );
    await curl('xml-get-session-token', form({ Action: 'GetSessionToken', DurationSeconds: '3600' }));
    await curl('xml-get-caller-identity', form({ Action: 'GetCallerIdentity' }));
    return out;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

const STAY = [
  'arn:aws:sts::',
  'assumed-role/tfo-deployer',
  'tfo-deployer',
  'us-east-1',
  'sts.amazonaws.com',
  'Credentials',
  'AssumedRoleUser',
  'Expiration',
  'Arn',
  'UserId',
  'Account',
  'GetCallerIdentityResponse',
  'AssumeRoleResponse',
  'GetSessionTokenResponse',
  'PackedPolicySize',
  'botocore',
  'Making request for OperationModel(name=AssumeRole)',
  'Sending http request',
  'Response headers',
  'Response body',
  '/acme/dev/tls/private-key',
  '/acme/dev/db/password',
  'acme/dev/app-credentials',
  'SecureString',
  'AWSCURRENT',
  'ResponseMetadata',
  'HTTPStatusCode',
  '2011-06-15',
];

const STAY_PATTERNS = [
  /\b20\d\d-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|\+00:00)?/g,
  /<RequestId>([^<]{8,64})<\/RequestId>/g,
  /"RequestId": "([^"]{8,64})"/g,
  /'x-amzn-requestid': '([^']{8,64})'/g,
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
  /\b[0-9a-f]{64}\b/g,
];

function goOf(text) {
  const go = [
    SECRETS.accessKeyId,
    SECRETS.secretAccessKey,
    SECRETS.sessionName,
    SECRETS.externalId,
    '111111111111',
    '123456789012',
  ];
  go.push(...matchesOf(text, /\b((?:AKIA|ASIA)[A-Z0-9]{16})\b/g));
  go.push(...matchesOf(text, /\b((?:AROA|AIDA)[A-Z0-9]{17})\b/g));
  go.push(...matchesOf(text, /<SessionToken>([^<]{16,})<\/SessionToken>/g));
  go.push(...matchesOf(text, /<SecretAccessKey>([^<]{16,})<\/SecretAccessKey>/g));
  go.push(...matchesOf(text, /"SessionToken": "([^"]{16,})"/g));
  go.push(...matchesOf(text, /"SecretAccessKey": "([^"]{16,})"/g));
  go.push(...matchesOf(text, /^CREDENTIALS\t\S+\t\S+\t(\S+)\t(\S+)/gm));
  go.push(...matchesOf(text, /^CREDENTIALS\t\S+\t\S+\t\S+\t(\S+)/gm));
  go.push(...matchesOf(text, /\|\s*SecretAccessKey\s*\|\s*(\S+)\s*\|/g));
  go.push(...matchesOf(text, /\|\s*SessionToken\s*\|\s*(\S+)\s*\|/g));
  go.push(...matchesOf(text, /Signature=([0-9a-f]{64})/g));
  go.push(...matchesOf(text, /Signature:\n([0-9a-f]{64})/g));
  go.push(...matchesOf(text, /x-amz-security-token:([A-Za-z0-9/+=]{40,})/g));
  go.push(...matchesOf(text, /'X-Amz-Security-Token': b?'([^']{16,})'/g));
  go.push(...matchesOf(text, /AWS_SECRET_ACCESS_KEY=(\S+)/g));
  go.push(...matchesOf(text, /AWS_SESSION_TOKEN=(\S+)/g));
  go.push(SECRETS.dbPassword, SECRETS.dbPasswordNew, SECRETS.apiToken, ...SECRETS.pemBodyRows);
  return go;
}

export function awsCliCases(runs) {
  const files = {};
  const add = (file, name, run, input) => {
    // reading back what terraform stored: piped through `tfo redact --plan`, tfo knows those values
    const sensitive = /^(ssm|secretsmanager)-/.test(run.step)
      ? [SECRETS.dbPassword, SECRETS.dbPasswordNew, SECRETS.apiToken, SECRETS.pemLines.join('\n') + '\n']
      : [];
    const c = makeCase({
      name,
      source: `${run.command} (against moto)${sensitive.length ? '; sensitive: the values the plan of that deployment marks sensitive' : ''}`,
      input,
      sensitive,
      go: goOf(input),
      stay: [...STAY, ...STAY_PATTERNS.flatMap((re) => matchesOf(input, re))],
    });
    if (c) (files[file] ??= []).push(c);
  };
  for (const run of runs) {
    if (run.step.endsWith('-debug')) {
      // botocore's debug log: one case per few records (a record starts with a timestamp)
      const records = [];
      for (const line of run.stderr.split('\n')) {
        if (/^20\d\d-\d\d-\d\d /.test(line) || records.length === 0) records.push(line);
        else records[records.length - 1] += '\n' + line;
      }
      const wanted = records.filter((r) =>
        /Authorization|Security-Token|Response body|Response headers|Sending http request|CanonicalRequest|StringToSign|Signature|credentials/i.test(
          r,
        ),
      );
      chunks(wanted, 2).forEach((text, i) => add('aws-cli-debug.json', `${run.step} part ${i + 1}`, run, text));
    } else if (run.step.startsWith('xml-')) add('sts.json', `${run.step} raw XML`, run, run.stdout);
    else add('sts.json', run.step, run, run.stdout);
  }
  return files;
}
