// The fabricated secrets the redaction corpus is seeded with (scripts/redact-corpus.mjs). None of
// them is a credential of any real system. Token-shaped values are built from parts so that no
// whole token literal sits in this file; the generated corpus files carry them whole, marked
// EXAMPLE where the format allows.
import { createHash } from 'node:crypto';

const join = (...parts) => parts.join('');

/** A deterministic base64 body of `lines` lines of 64 characters (not a real key: terraform does not parse it). */
function pemBody(seed, lines) {
  let out = '';
  let block = Buffer.alloc(0);
  for (let i = 0; out.length < lines * 64; i++) {
    block = createHash('sha512').update(block).update(`${seed}:${i}`).digest();
    out += block.toString('base64').replace(/=+$/, '');
  }
  const body = out.slice(0, lines * 64);
  const rows = [];
  for (let i = 0; i < lines; i++) rows.push(body.slice(i * 64, (i + 1) * 64));
  // a PKCS#8 RSA key starts like this
  rows[0] = 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ' + rows[0].slice(50);
  return rows;
}

const PEM_ROWS = pemBody('tfo-corpus-rsa', 12);

export const SECRETS = {
  /** The long-lived key pair terraform and the AWS CLI sign with (AKIA + 16, 40-character secret). */
  accessKeyId: join('AKIA', 'EXAMPLE', 'TFO', '2026QA'),
  secretAccessKey: join('tfoCorpus', 'EXAMPLE', 'Secret/', 'K7MDENG+bPxRfiCY', '0'),
  /** provider assume_role */
  roleArn: 'arn:aws:iam::111111111111:role/tfo-deployer',
  sessionName: 'tfo-corpus-session-4711',
  externalId: 'acme-ext-id-7f3c9e21a0',
  /** sensitive root-module variables */
  dbPassword: 'Db-Pa55w0rd-corpus-7Qx9',
  rdsPassword: 'Rds-Master-pw-corpus-31415',
  apiToken: 'tok_corpus_9f8e7d6c5b4a392817',
  /** the updated password of the second plan (an `old -> new` diff) */
  dbPasswordNew: 'Db-Rotated-pw-corpus-2718',
  deployPassword: 'Deploy-Pw-corpus-1618',
  pemLines: ['-----BEGIN PRIVATE KEY-----', ...PEM_ROWS, '-----END PRIVATE KEY-----'],
  pemBodyRows: PEM_ROWS,
  /** cloud-init chpasswd users (not marked sensitive in the module: the realistic leak) */
  rootPassword: 'RootPw-corpus-31337',
  ubuntuPassword: 'Ubuntu-Pw-corpus-2718',
  /** CI shapes */
  slackPath: join('T0000', 'EXMPL', '/B0000', 'EXMPL', '/', 'Ex4mpleOnly', 'NotAHook', 'corpus7'),
  dockerPassword: 'dckr-corpus-pw-Zt8qW2',
  mysqlPassword: 'Mysql-corpus-pw-55aa',
  cliToken: 'cli-corpus-token-Qm7Rx2Lp9',
  jwt: join(
    'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9',
    '.',
    Buffer.from(
      JSON.stringify({ sub: 'repo:acme/infra:ref:refs/heads/main', aud: 'sts.amazonaws.com', example: true }),
    ).toString('base64url'),
    '.',
    createHash('sha256').update('tfo-corpus-jwt').digest('base64url'),
  ),
  email: 'ops-oncall@acme-corp.example',
  ipv4: '10.42.7.19',
  ipv6: '2001:db8:85a3::8a2e:370:7334',
};

export const PEM = SECRETS.pemLines.join('\n');
