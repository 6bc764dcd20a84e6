import { describe, expect, it } from 'vitest';
import { redactText } from '../src/redaction/redact.js';

// The forms real output takes that the first redactor missed (issue 11): each case names what
// must go and what must stay. Token-shaped values are assembled at run time from parts, so no
// whole token literal sits in the repository.

const ESC = '\u001b';
const green = (s: string): string => `${ESC}[32m${s}${ESC}[0m`;
const bold = (s: string): string => `${ESC}[1m${s}${ESC}[0m`;
const KEY_ID = ['AKIA', 'Q3EXAMPLE7KEY2ID'].join('');
const TEMP_KEY_ID = ['ASIA', 'Q3EXAMPLE7TMP9ID'].join('');
const SECRET_KEY = ['wJalrXUtnFEMI', 'K7MDENGbPxRfiCY', 'EXAMPLEKEY0a1b'].join('/').slice(0, 40);
const SESSION_TOKEN = ['FQoGZXIvYXdzE', 'BYaD'.repeat(4), 'Zm9vYmFyYmF6cXV4'.repeat(8)].join('');
const ROLE_ID = ['AROA', 'Q3EXAMPLE7ROLE21X'].join('');
const USER_ID = ['AIDA', 'Q3EXAMPLE7USER21X'].join('');
const JWT = [
  ['eyJ', 'hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9'].join(''),
  ['eyJ', 'zdWIiOiJkZXBsb3kiLCJuYW1lIjoidGZvLWNpIiwiaWF0IjoxNzAwMDAwMDAwfQ'].join(''),
  'Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHkxMjM0NTY3',
].join('.');
const SLACK = ['https://hooks.slack.com/services/', 'T0EXAMPLE1/', 'B0EXAMPLE2/', 'fakeWebhookSecret0123456789'].join(
  '',
);
const PEM_BODY = [
  'MIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HECdnH',
  'lWu2/a1gB9JW5TBQ+AVpum9Okx7KfqkfBKL9mcHgSVU+APlqL5v9lH2w+j+0r9Ab',
  'q7YpZt3mJx0Hk2bW8sRkLx9Qw1VnD4cGf6aT3uE5rO8iY2pN7mK1jH0gF9dS4aA=',
];
const STAMP = '2026-12-07T10:00:00.1234567Z';

interface Case {
  name: string;
  input: string;
  sensitive?: string[];
  go: string[];
  stay: string[];
}

const cases: Case[] = [
  {
    name: 'terraform plan: attribute padded to the longest name, coloured marker',
    input: `      ${green('+')} master_password                       = "Sup3r-S3cret-pw-1"\n      ${green('+')} name                                  = "orders"`,
    go: ['Sup3r-S3cret-pw-1'],
    stay: ['master_password', '"orders"'],
  },
  {
    name: 'terraform plan: colour code between the key and =',
    input: `      ~ ${bold('password')}${ESC}[0m = "hunter2-colour-pw"`,
    go: ['hunter2-colour-pw'],
    stay: ['password'],
  },
  {
    name: 'terraform plan: update old -> new, both values',
    input:
      '      ~ admin_password = "old-pass-1234" -> "new-pass-5678"\n      ~ token          = "tok-old-9999" -> (known after apply)',
    go: ['old-pass-1234', 'new-pass-5678', 'tok-old-9999'],
    stay: ['admin_password', '(known after apply)'],
  },
  {
    name: 'a token right after a colour code',
    input: `token used: ${ESC}[33m${['gh', 'p_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('')}${ESC}[0m`,
    go: [['gh', 'p_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('')],
    stay: ['token used'],
  },
  {
    name: 'PEM as JSON array elements',
    input: `{"key_lines": ["-----BEGIN RSA PRIVATE KEY-----", "${PEM_BODY.join('", "')}", "-----END RSA PRIVATE KEY-----"], "name": "deploy"}`,
    go: PEM_BODY.map((l) => l.slice(0, 24)),
    stay: ['"name": "deploy"', 'key_lines'],
  },
  {
    name: 'PEM behind GitHub Actions timestamps, one event per line',
    input: [
      `${STAMP} -----BEGIN OPENSSH PRIVATE KEY-----`,
      ...PEM_BODY.map((l) => `${STAMP} ${l}`),
      `${STAMP} -----END OPENSSH PRIVATE KEY-----`,
      `${STAMP} done`,
    ].join('\n'),
    go: PEM_BODY.map((l) => l.slice(8, 30)),
    stay: ['done'],
  },
  {
    name: 'PEM behind log prefixes, cut off before its END',
    input: [
      '[INFO] key: -----BEGIN PRIVATE KEY-----',
      ...PEM_BODY.map((l) => `[INFO] key: ${l}`),
      'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.',
    ].join('\n'),
    go: PEM_BODY.map((l) => l.slice(8, 30)),
    stay: ['Apply complete! Resources: 1 added, 0 changed, 0 destroyed.'],
  },
  {
    name: 'IAM unique ids of 21 characters, with the session after them',
    input: `"UserId": "${ROLE_ID}:jane-session-42", "Owner": "${USER_ID}"`,
    go: [ROLE_ID, 'jane-session-42', USER_ID],
    stay: ['"UserId"', '"Owner"'],
  },
  {
    name: 'STS AssumeRole XML response',
    input: [
      '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
      '  <AssumeRoleResult>',
      '    <Credentials>',
      `      <AccessKeyId>${TEMP_KEY_ID}</AccessKeyId>`,
      `      <SecretAccessKey>${SECRET_KEY}</SecretAccessKey>`,
      `      <SessionToken>${SESSION_TOKEN}</SessionToken>`,
      '      <Expiration>2026-12-07T11:00:00Z</Expiration>',
      '    </Credentials>',
      '  </AssumeRoleResult>',
      '  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>',
      '</AssumeRoleResponse>',
    ].join('\n'),
    go: [TEMP_KEY_ID, SECRET_KEY, SESSION_TOKEN.slice(20, 60)],
    stay: ['<Expiration>2026-12-07T11:00:00Z</Expiration>', 'c6104cbe-af31-11e0-8154-cbc7ccf896c7', '<SessionToken>'],
  },
  {
    name: 'assume_role session_name and external_id',
    input:
      '  assume_role {\n    role_arn     = "arn:aws:iam::123456789012:role/deploy"\n    session_name = "ci-run-8841"\n    external_id  = "ext-7f3a9c"\n  }',
    go: ['ci-run-8841', 'ext-7f3a9c', '123456789012'],
    stay: ['role/deploy', 'session_name', 'external_id'],
  },
  {
    name: 'Slack webhook URL',
    input: `notify: ${SLACK} (status 200)`,
    go: ['fakeWebhookSecret0123456789', 'B0EXAMPLE2'],
    stay: ['hooks.slack.com', '(status 200)'],
  },
  {
    name: 'credentials in CLI flags',
    input:
      'psql-setup --password s3cr3t-flag-pw --db-token=flagtoken-771 --verbose\ndocker login -u ci -p dockerpass-99 registry.local\nmysql -u root -pMysqlPass-42 orders',
    go: ['s3cr3t-flag-pw', 'flagtoken-771', 'dockerpass-99', 'MysqlPass-42'],
    stay: ['--verbose', 'registry.local', 'orders'],
  },
  {
    name: 'cloud-init chpasswd list',
    input:
      '#cloud-config\nchpasswd:\n  list: |\n    root:R00t-Pass-1\n    ubuntu:Ubuntu-Pass-2\n  expire: False\nruncmd:\n  - echo "admin:Echo-Pass-3" | chpasswd\n  - systemctl restart sshd',
    go: ['R00t-Pass-1', 'Ubuntu-Pass-2', 'Echo-Pass-3'],
    stay: ['expire: False', 'systemctl restart sshd', 'root:', 'ubuntu:'],
  },
  {
    name: 'state JSON: the value of a sensitive output',
    input:
      '{\n  "version": 4,\n  "outputs": {\n    "db_conn": {\n      "value": "postgres-conn-secret-1",\n      "type": "string",\n      "sensitive": true\n    },\n    "bucket": {\n      "value": "acme-logs",\n      "type": "string"\n    }\n  }\n}',
    go: ['postgres-conn-secret-1'],
    stay: ['"acme-logs"', 'db_conn'],
  },
  {
    name: 'terraform output -json: the value of a sensitive output',
    input: '{\n  "api": {\n    "sensitive": true,\n    "type": "string",\n    "value": "out-json-secret-2"\n  }\n}',
    go: ['out-json-secret-2'],
    stay: ['"api"'],
  },
  {
    name: 'IPv6 address followed by a colon',
    input: 'dial tcp 2001:db8:85a3::8a2e:370:7334: connection refused; [2001:db8::17]:443 ok',
    go: ['2001:db8:85a3::8a2e:370:7334', '2001:db8::17'],
    stay: ['connection refused', ':443 ok'],
  },
  {
    name: 'a JWT split over two log events',
    input: `${STAMP} Authorization header: ${JWT.slice(0, 60)}\n${STAMP} ${JWT.slice(60)}\n${STAMP} next step`,
    go: [JWT.slice(10, 50), JWT.slice(70, 110)],
    stay: ['next step', 'Authorization header'],
  },
  {
    name: 'TF_LOG=DEBUG: SigV4 header, security token, form body with an encoded ARN',
    input: [
      `2026-12-07T10:00:00.000Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: HTTP Request Sent: tf_http_req_method=POST http.request.header.authorization="AWS4-HMAC-SHA256 Credential=${KEY_ID}/20261207/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0" http.request.header.x_amz_security_token="${SESSION_TOKEN}"`,
      '2026-12-07T10:00:00.001Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: tf_http_req_body="Action=AssumeRole&DurationSeconds=900&ExternalId=ext-body-55&RoleArn=arn%3Aaws%3Aiam%3A%3A210987654321%3Arole%2Fdeploy&RoleSessionName=body-session-66&Version=2011-06-15"',
    ].join('\n'),
    go: [
      KEY_ID,
      '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      SESSION_TOKEN.slice(30, 70),
      'ext-body-55',
      '210987654321',
      'body-session-66',
    ],
    stay: ['provider.terraform-provider-aws_v5.100.0_x5', 'Action=AssumeRole', 'role%2Fdeploy', 'Version=2011-06-15'],
  },
  {
    name: 'aws sts assume-role --output text',
    input: `ASSUMEDROLEUSER\tarn:aws:sts::123456789012:assumed-role/deploy/ci\t${ROLE_ID}:ci\nCREDENTIALS\t${TEMP_KEY_ID}\t2026-12-07T11:00:00+00:00\t${SECRET_KEY}\t${SESSION_TOKEN}`,
    go: [TEMP_KEY_ID, SECRET_KEY, SESSION_TOKEN.slice(30, 70), '123456789012', ROLE_ID],
    stay: ['CREDENTIALS', 'ASSUMEDROLEUSER', '2026-12-07T11:00:00+00:00', 'assumed-role/deploy/'],
  },
  {
    name: 'aws cli table output',
    input: `||  AccessKeyId      |  ${TEMP_KEY_ID}  ||\n||  SecretAccessKey  |  ${SECRET_KEY}  ||\n||  SessionToken     |  ${SESSION_TOKEN}  ||`,
    go: [TEMP_KEY_ID, SECRET_KEY, SESSION_TOKEN.slice(30, 70)],
    stay: ['SecretAccessKey', 'SessionToken'],
  },
  {
    name: 'password in a connection URL, and add-mask',
    input:
      'DATABASE_URL=postgres://app:Url-Pass-77@db.internal:5432/orders\n::add-mask::masked-by-hand-88\nredis://:Redis-Only-Pass-9@cache:6379',
    go: ['Url-Pass-77', 'masked-by-hand-88', 'Redis-Only-Pass-9'],
    stay: ['db.internal:5432/orders', 'cache:6379'],
  },
  {
    name: 'YAML and secrets manager JSON',
    input:
      'db:\n  password: yaml-pass-12\n  user: app\n{"SecretString":"{\\"password\\":\\"inner-pass-34\\"}","Name":"prod/db"}',
    go: ['yaml-pass-12', 'inner-pass-34'],
    stay: ['user: app', '"Name":"prod/db"'],
  },
  {
    name: 'ordinary terraform output stays as it is',
    input: [
      `  ${green('+')} resource "aws_s3_bucket" "this" {`,
      '      + bucket                      = "acme-dev-logs"',
      '      + password_length             = 16',
      '      + token_ttl                   = 3600',
      '      + secret_name                 = "prod/db"',
      '      + cidr_blocks                 = ["0.0.0.0/0"]',
      '      + metadata                    = "169.254.169.254"',
      '      + password                    = (sensitive value)',
      'Plan: 1 to add, 0 to change, 0 to destroy.',
      'module.app.aws_lambda_function.api: Creation complete after 3s [id=api-1]',
    ].join('\n'),
    go: [],
    stay: [
      '"acme-dev-logs"',
      'password_length             = 16',
      'token_ttl                   = 3600',
      '"prod/db"',
      '0.0.0.0/0',
      '169.254.169.254',
      '(sensitive value)',
      'Plan: 1 to add, 0 to change, 0 to destroy.',
      '[id=api-1]',
    ],
  },
];

describe('redaction of the forms real output takes', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = redactText(c.input, { sensitive: c.sensitive ?? [] });
    for (const s of c.go) expect(out, `${s} must go`).not.toContain(s);
    for (const s of c.stay) expect(out, `${s} must stay`).toContain(s);
    expect(out).not.toContain(ESC);
  });

  it('masks a value however long, and looks for long values nowhere else', () => {
    const long = 'x'.repeat(200_000);
    const out = redactText(`password=${long}\n{"secret_string": "${'y'.repeat(70_000)}", "name": "app"}`);
    expect(out).toBe('password=***\n{"secret_string": "***", "name": "app"}');
  });
});
