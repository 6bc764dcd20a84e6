import { describe, expect, it } from 'vitest';
import { collectSensitive, MASK, redactText } from '../src/redaction/redact.js';

describe('redactText: patterns', () => {
  it('masks the account id of an ARN, keeping partition, service, region and resource', () => {
    expect(redactText('role arn:aws:iam::123456789012:role/deploy assumed')).toBe(
      `role arn:aws:iam::${MASK}:role/deploy assumed`,
    );
    expect(redactText('arn:aws:lambda:us-east-1:123456789012:function:api')).toBe(
      `arn:aws:lambda:us-east-1:${MASK}:function:api`,
    );
    expect(redactText('arn:aws-us-gov:sns:us-gov-west-1:210987654321:alerts')).toBe(
      `arn:aws-us-gov:sns:us-gov-west-1:${MASK}:alerts`,
    );
  });

  it('masks a bare 12-digit account id but not longer or shorter digit runs', () => {
    expect(redactText('account 123456789012 is dev')).toBe(`account ${MASK} is dev`);
    expect(redactText('"account_id": "210987654321"')).toBe(`"account_id": "${MASK}"`);
    expect(redactText('serial 1234567890123 and 12345678901')).toBe('serial 1234567890123 and 12345678901');
  });

  it('masks assumed-role session names', () => {
    expect(redactText('arn:aws:sts::123456789012:assumed-role/deploy/jane.doe')).toBe(
      `arn:aws:sts::${MASK}:assumed-role/deploy/${MASK}`,
    );
  });

  it('masks access key ids', () => {
    const out = redactText('key AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A used');
    expect(out).toBe(`key ${MASK}ACCESS_KEY_ID${MASK} and ${MASK}ACCESS_KEY_ID${MASK} used`);
    expect(out).not.toMatch(/AKIA|ASIA/);
  });

  it('masks key = value secrets in HCL, JSON, env and escaped JSON forms', () => {
    expect(redactText('  password = "hunter2hunter2"')).toBe(`  password = "${MASK}"`);
    expect(redactText('{"secret_key": "abcDEF0123456789/xyz+0"}')).toBe(`{"secret_key": "${MASK}"}`);
    expect(redactText('export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG')).toBe(
      `export AWS_SECRET_ACCESS_KEY=${MASK}`,
    );
    expect(redactText('{\\"api_key\\": \\"sk-live-123456\\"}')).not.toContain('sk-live-123456');
    expect(redactText('client_secret: s3cr3t-value')).toBe(`client_secret: ${MASK}`);
  });

  it('masks emails', () => {
    expect(redactText('owner = "jane.doe+ops@example.co.uk",')).toBe(`owner = "${MASK}@${MASK}",`);
  });

  it('masks IPv4 and IPv6 addresses, not versions or CIDR-free numbers', () => {
    expect(redactText('host 10.0.12.7 up')).toBe(`host ${MASK}.${MASK}.${MASK}.${MASK} up`);
    expect(redactText('cidr 192.168.1.0/24')).toBe(`cidr ${MASK}.${MASK}.${MASK}.${MASK}/24`);
    expect(redactText('v6 2001:db8::1 and fe80:0:0:0:200:f8ff:fe21:67cf')).toBe(
      `v6 ${MASK}:${MASK} and ${MASK}:${MASK}`,
    );
    expect(redactText('terraform 1.11.4 at 12:30:45, 999.1.1.1')).toBe('terraform 1.11.4 at 12:30:45, 999.1.1.1');
  });

  it('keeps the open-to-the-world ranges and the link-local metadata addresses readable', () => {
    const readable = [
      'ingress 0.0.0.0/0 on port 22',
      'bind 0.0.0.0:8080',
      'ingress ::/0 on port 22',
      'listen [::]:443 and ::',
      'IMDS at 169.254.169.254/latest/meta-data',
      'ECS credentials from http://169.254.170.2/v2/credentials',
      'IMDS over IPv6 at [fd00:ec2::254] or FD00:EC2::254',
      'cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = ["::/0"]',
      JSON.stringify({ message: 'port 3389 open to 0.0.0.0/0 and ::/0' }),
    ];
    for (const text of readable) expect(redactText(text)).toBe(text);
    // beside other addresses, in one text: only the others are masked
    expect(redactText('0.0.0.0/0 and 10.1.2.3/32; ::/0 and 2001:db8::1; 169.254.169.254 not 169.254.169.253')).toBe(
      `0.0.0.0/0 and ${MASK}.${MASK}.${MASK}.${MASK}/32; ::/0 and ${MASK}:${MASK}; 169.254.169.254 not ${MASK}.${MASK}.${MASK}.${MASK}`,
    );
  });

  it('still masks every other address, also those that contain a readable one', () => {
    for (const ip of ['10.1.2.3', '203.0.113.7', '10.0.0.0', '100.0.0.0', '169.254.169.25', '169.254.170.20']) {
      expect(redactText(`host ${ip} up`)).toBe(`host ${MASK}.${MASK}.${MASK}.${MASK} up`);
    }
    for (const ip of ['2001:db8::1', 'fd00:ec2::253', 'fd00:ec2::254:1', '::1', 'fe80::1']) {
      expect(redactText(`host ${ip} up`)).toBe(`host ${MASK}:${MASK} up`);
    }
  });

  it('masks a multi-line PEM block', () => {
    const pem = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HECdnH',
      'lWu2/a1gB9JW5TBQ+AVpum9Okx7KfqkfBKL9mcHgSVU+APlqL5v9lH2w+j+0r9Ab==',
      '-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const out = redactText(`key:\n${pem}\nafter`);
    expect(out).toBe(`key:\n-----BEGIN RSA PRIVATE KEY-----${MASK}-----END RSA PRIVATE KEY-----\nafter`);
    // as terraform prints it inside a JSON string
    expect(redactText(JSON.stringify(pem))).not.toContain('MIIEowIBAAKCAQEA');
  });

  it('leaves ordinary terraform plan text unchanged', () => {
    const plan = [
      'Terraform used the selected providers to generate the following execution plan.',
      '  # aws_s3_bucket.this["logs"] will be created',
      '  + resource "aws_s3_bucket" "this" {',
      '      + bucket        = "acme-dev-logs"',
      '      + force_destroy = false',
      '      + id            = (known after apply)',
      '      + tags          = {',
      '          + "Name" = "logs"',
      '        }',
      '    }',
      '  # module.kms.aws_kms_key.main[0] will be updated in-place',
      '  # terraform_data.x["a"] must be replaced',
      'Plan: 1 to add, 1 to change, 0 to destroy.',
      'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.',
    ].join('\n');
    expect(redactText(plan)).toBe(plan);
  });

  it('skips rules by name', () => {
    expect(redactText('host 10.0.12.7', { skip: ['ipv4'] })).toBe('host 10.0.12.7');
  });
});

describe('redactText: sensitive values', () => {
  const secret = 'p@ss/w"rd+é\\x';

  it('removes a sensitive value in plain, JSON-escaped, URL-encoded and base64 forms', () => {
    const forms = [
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    ];
    for (const form of forms) {
      const out = redactText(`before <${form}> after`, { sensitive: [secret] });
      expect(out).toBe(`before <${MASK}> after`);
    }
  });

  it('removes each line of a multi-line sensitive value, and ignores values too short to matter', () => {
    const value = 'first-line-secret\nsecond-line-secret';
    const out = redactText('x first-line-secret y\nz second-line-secret', { sensitive: [value, 'ab', ''] });
    expect(out).toBe(`x ${MASK} y\nz ${MASK}`);
    expect(redactText('ab cd ab', { sensitive: ['ab'] })).toBe('ab cd ab');
  });

  it('prefers the longest form: an overlapping shorter value does not leave a tail', () => {
    const out = redactText('token-value-long', { sensitive: ['token-value', 'token-value-long'] });
    expect(out).toBe(MASK);
  });
});

describe('redactText: adversarial 5 MB inputs complete', () => {
  const size = 5 * 1024 * 1024;
  const cases: Array<[string, string]> = [
    ['@', '@'.repeat(size)],
    ['a@', 'a@'.repeat(size / 2)],
    ['1.', '1.'.repeat(size / 2)],
    ['arn:aws:', 'arn:aws:'.repeat(size / 8)],
    ['digits', '9'.repeat(size)],
    ['password=', 'password='.repeat(Math.floor(size / 9))],
    [':', ':'.repeat(size)],
    ['a@b.', 'a@b.'.repeat(size / 4)],
    ['AKIA', 'AKIA'.repeat(size / 4)],
    ['hex', '0123456789abcdef'.repeat(size / 16)],
    ['base64', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.repeat(size / 64)],
    ['f:f:', 'f:f:'.repeat(size / 4)],
  ];
  it.each(cases)('%s repeated', (_name, input) => {
    const out = redactText(input);
    if (_name === 'password=') {
      // each match eats up to 4096 characters of the run as its value
      expect(out.startsWith(`password=${MASK}`)).toBe(true);
      expect(out.length).toBeLessThan(input.length);
    } else {
      expect(out).toBe(input);
    }
  });

  it('unterminated PEM headers', { timeout: 300_000 }, () => {
    const input = '-----BEGIN X-----'.repeat(Math.floor(size / 17));
    expect(redactText(input)).toBe(input);
  });
});

describe('collectSensitive', () => {
  it('collects the leaves a plan marks sensitive in before/after', () => {
    const after = {
      bucket: 'acme-dev-logs',
      tags: { Name: 'logs', Owner: 'ops-team-secret' },
      users: [
        { name: 'alice', password: 'alice-pw-1234' },
        { name: 'bob', password: 'bob-pw-5678' },
      ],
      port: 5432,
      nested: { whole: { a: 'w1', b: ['w2', 3] } },
      missing: null,
    };
    const mask = {
      tags: { Owner: true },
      users: [{ password: true }, { password: true }],
      port: true,
      nested: { whole: true },
      missing: true,
      bucket: false,
      notInValue: true,
    };
    const into = new Set<string>();
    collectSensitive(after, mask, into);
    expect([...into].sort()).toEqual(
      ['3', '5432', 'alice-pw-1234', 'bob-pw-5678', 'ops-team-secret', 'w1', 'w2'].sort(),
    );
  });

  it('takes everything under a mask of true, nothing under false or a mismatched shape', () => {
    const into = new Set<string>();
    collectSensitive('whole-value', true, into);
    collectSensitive({ a: 'x-value' }, false, into);
    collectSensitive({ a: 'not-a-list' }, { a: [true] }, into);
    collectSensitive(['l0', 'l1'], [false, true], into);
    expect([...into].sort()).toEqual(['l1', 'whole-value']);
  });

  it('what it collects is then redacted from output', () => {
    const into = new Set<string>();
    collectSensitive({ token: 'tf-output-secret-9' }, { token: true }, into);
    expect(redactText('value: tf-output-secret-9', { sensitive: into })).toBe(`value: ${MASK}`);
  });
});
