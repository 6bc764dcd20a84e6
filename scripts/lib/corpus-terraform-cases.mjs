// Cuts the terraform transcripts (corpus-terraform.mjs) into redaction-corpus cases, with what must
// go and what must stay judged from what each value is (never from what a redactor does).
import { stripVTControlCharacters } from 'node:util';
import { SECRETS, PEM } from './corpus-secrets.mjs';
import { secretString } from './corpus-terraform.mjs';
import { chunks, httpExchanges, makeCase, matchesOf, planBlocks, stateResources } from './corpus-cases.mjs';

const ADDRESSES = [
  'aws_s3_bucket.artifacts',
  'aws_security_group.web',
  'aws_ssm_parameter.db_password',
  'aws_ssm_parameter.tls_key',
  'aws_ssm_parameter.bootstrap',
  'aws_iam_user.ci',
  'aws_iam_access_key.ci',
  'aws_secretsmanager_secret.app',
  'aws_secretsmanager_secret_version.app',
  'aws_instance.web',
  'aws_db_instance.orders',
];

/** Names and words a reader needs, wherever they occur. */
const WORDS = [
  'acme-corpus-artifacts-use1',
  'acme-corpus-web',
  '/acme/dev/db/password',
  '/acme/dev/tls/private-key',
  '/acme/dev/web/user-data',
  'acme-corpus-ci-deployer',
  'acme/dev/app-credentials',
  'acme-corpus-orders',
  'orders_admin',
  'ami-12c6146b',
  't3.micro',
  'db.t3.micro',
  'us-east-1',
  '0.0.0.0/0',
  'SecureString',
  'tfo-deployer',
  '(sensitive value)',
  '(known after apply)',
  '<sensitive>',
  'will be created',
  'will be updated in-place',
  'Apply complete!',
  'Creation complete after',
  'Modifications complete after',
  '5.100.0',
  '1.11.4',
  'registry.terraform.io/hashicorp/aws',
  'postgres',
  '"Team"',
  'platform',
  'staging',
  '#cloud-config',
  'chpasswd',
  'aws_iam_access_key',
  'HTTP Request Sent',
  'HTTP Response Received',
];

const STAY_PATTERNS = [
  /Plan: \d+ to add, \d+ to change, \d+ to destroy\./g,
  /Apply complete! Resources: \d+ added, \d+ changed, \d+ destroyed\./g,
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, // request and invocation ids
  /\bi-[0-9a-f]{17}\b/g,
  /\bsg-[0-9a-f]{17}\b/g,
  /\bvpc-[0-9a-f]{8,17}\b/g,
  /\bsubnet-[0-9a-f]{8,17}\b/g,
  /\b[0-9a-f]{40}\b/g, // user_data hash
  /\b[0-9a-f]{64}\b/g, // sha256 digests
  /\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g,
  /x_amzn_requestid=([A-Za-z0-9]{20,64})/g,
  /<RequestId>([^<]{8,64})<\/RequestId>/g,
  /rpc\.method=\w+/g,
  /terraform-\d{26}/g, // secret version ids
  /\bdb-[A-Z0-9]{26}\b/g,
  /"lineage": "([0-9a-f-]{36})"/g,
];

/** Everything that must not survive, found by what it is. */
function goCandidates(text, known) {
  const go = [
    SECRETS.accessKeyId,
    SECRETS.secretAccessKey,
    SECRETS.sessionName,
    SECRETS.externalId,
    SECRETS.dbPassword,
    SECRETS.dbPasswordNew,
    SECRETS.rdsPassword,
    SECRETS.apiToken,
    SECRETS.rootPassword,
    SECRETS.ubuntuPassword,
    SECRETS.deployPassword,
    ...SECRETS.pemBodyRows,
    '111111111111',
    '123456789012',
    ...known.extraGo,
  ];
  // what STS and IAM hand out: session tokens, temporary key ids, secrets (the SDK's log masks some)
  go.push(...matchesOf(text, /<SessionToken>([^<*]{16,})<\/SessionToken>/g));
  go.push(...matchesOf(text, /<SecretAccessKey>([^<*]{16,})<\/SecretAccessKey>/g));
  go.push(...matchesOf(text, /\b((?:AKIA|ASIA)[A-Z0-9]{16})\b/g));
  go.push(...matchesOf(text, /\b((?:AROA|AIDA)[A-Z0-9]{17})\b/g));
  go.push(...matchesOf(text, /"SessionToken":\s*"([^"*]{16,})"/g));
  go.push(...matchesOf(text, /x-amz-security-token[=:]\s*"?([A-Za-z0-9/+=%]{40,})/gi));
  go.push(...matchesOf(text, /Signature=([0-9a-f]{64})/g));
  // IP addresses moto gave the instance
  go.push(...known.ips);
  return go;
}

function stayCandidates(text) {
  const stay = [...ADDRESSES, ...WORDS];
  for (const re of STAY_PATTERNS) stay.push(...matchesOf(text, re));
  return stay;
}

/**
 * @param {Array<{ step: string, command: string, stdout: string, stderr: string, update: boolean }>} runs
 */
export function terraformCases(runs) {
  const state = JSON.parse(runs.find((r) => r.step === 'state-pull').stdout);
  const res = (type) => state.resources.find((r) => r.type === type).instances[0].attributes;
  const key = res('aws_iam_access_key');
  const web = res('aws_instance');
  const known = {
    // created by the apply: the CI user's key pair and its SMTP password, the instance's addresses
    extraGo: [key.id, key.secret, key.ses_smtp_password_v4, res('aws_iam_user').unique_id].filter(
      // moto's user unique ids are not of AWS's AIDA form: only a real-shaped one is a case
      (v, i) => v && (i < 3 || /^AIDA[A-Z0-9]{17}$/.test(v)),
    ),
    ips: [web.private_ip, web.public_ip].filter((ip) => ip && ip !== '0.0.0.0'),
  };
  // what tfo knows is sensitive: the plan's sensitive values, then the state's sensitive values too
  const planSensitive = (update) => [
    update ? SECRETS.dbPasswordNew : SECRETS.dbPassword,
    ...(update ? [SECRETS.dbPassword, secretString(SECRETS.dbPassword)] : []),
    SECRETS.rdsPassword,
    SECRETS.apiToken,
    PEM + '\n',
    secretString(update ? SECRETS.dbPasswordNew : SECRETS.dbPassword),
  ];
  const stateSensitive = (update) => [...planSensitive(update), key.secret, key.ses_smtp_password_v4].filter(Boolean);

  const files = {};
  const add = (file, c) => {
    if (c) (files[file] ??= []).push(c);
  };
  const caseOf = (file, name, run, input, sensitive) =>
    add(
      file,
      makeCase({
        name,
        source: `${run.command} (${run.update ? 'after changing db_password, user_data and a tag' : 'root module created from nothing'}; stream: ${input === run.stderr ? 'stderr' : 'stdout'})`,
        input,
        sensitive,
        go: goCandidates(input, known),
        stay: stayCandidates(stripVTControlCharacters(input)),
      }),
    );

  for (const run of runs) {
    const sensitive = [
      'plan-colour',
      'plan-no-color',
      'plan-json',
      'plan-debug',
      'apply-debug',
      'update-plan-colour',
      'update-plan-trace',
      'update-apply-json',
      'retag-apply-no-color',
    ].includes(run.step)
      ? planSensitive(run.update)
      : stateSensitive(run.update);
    switch (run.step) {
      case 'init':
        caseOf('terraform-plan-colour.json', 'init output', run, run.stdout, []);
        break;
      case 'plan-colour':
      case 'plan-no-color':
      case 'update-plan-colour':
      case 'show-colour':
      case 'show-no-color': {
        const file = run.step.includes('show')
          ? 'terraform-show.json'
          : run.step === 'plan-no-color'
            ? 'terraform-plan-no-color.json'
            : 'terraform-plan-colour.json';
        planBlocks(run.stdout).forEach((block, i) => {
          const addr = /# ([\w.[\]"-]+)/.exec(stripVTControlCharacters(block))?.[1] ?? `part ${i + 1}`;
          caseOf(file, `${run.step}: ${addr}`, run, block, sensitive);
        });
        break;
      }
      case 'plan-json':
      case 'update-apply-json': {
        const lines = run.stdout.split('\n').filter(Boolean);
        const byAddr = new Map();
        for (const line of lines) {
          let addr = 'run';
          try {
            const m = JSON.parse(line);
            addr = m.hook?.resource?.addr ?? m.change?.resource?.addr ?? m.type ?? 'run';
          } catch {
            // not JSON: keep it with the run
          }
          byAddr.set(addr, [...(byAddr.get(addr) ?? []), line]);
        }
        for (const [addr, group] of byAddr)
          caseOf('terraform-json-ui.json', `${run.step}: ${addr}`, run, group.join('\n') + '\n', sensitive);
        break;
      }
      case 'plan-debug':
      case 'apply-debug':
      case 'update-plan-trace': {
        const file = run.step === 'update-plan-trace' ? 'tf-log-trace.json' : 'tf-log-debug.json';
        if (run.step === 'apply-debug')
          chunks(run.stdout.split('\n'), 12).forEach((part, i) =>
            caseOf('terraform-apply.json', `apply output part ${i + 1}`, run, part, sensitive),
          );
        else if (run.step === 'update-plan-trace')
          planBlocks(run.stdout).forEach((block, i) =>
            caseOf(
              'terraform-plan-no-color.json',
              `update plan: ${/# ([\w.[\]"-]+)/.exec(block)?.[1] ?? `part ${i + 1}`}`,
              run,
              block,
              sensitive,
            ),
          );
        const secret = (text) => goCandidates(text, known).some((g) => g.length >= 4 && text.includes(g));
        logCases(run, secret, (name, input) => caseOf(file, `${run.step}: ${name}`, run, input, sensitive));
        break;
      }
      case 'retag-apply-no-color':
        planBlocks(run.stdout).forEach((block, i) => {
          const addr = /# ([\w.[\]"-]+)/.exec(block)?.[1] ?? `part ${i + 1}`;
          caseOf('terraform-apply.json', `apply -no-color: ${addr}`, run, block, sensitive);
        });
        break;
      case 'output':
      case 'output-json':
      case 'output-raw':
      case 'show-json':
        caseOf('terraform-output.json', run.step, run, run.stdout, sensitive);
        break;
      case 'state-pull':
      case 'update-state-pull': {
        const { outputs, resources } = stateResources(run.stdout);
        if (outputs) caseOf('terraform-state.json', `${run.step}: outputs`, run, outputs, sensitive);
        for (const r of resources) {
          const addr = /"type": "(\w+)",\s+"name": "(\w+)"/.exec(r);
          caseOf(
            'terraform-state.json',
            `${run.step}: ${addr ? `${addr[1]}.${addr[2]}` : 'resource'}`,
            run,
            r,
            sensitive,
          );
        }
        break;
      }
    }
  }
  return files;
}

/**
 * A TF_LOG log: one case per HTTP exchange (the first of each API method, and up to three of the
 * ones that carry credentials or values), the other entries that carry a secret in threes, and a
 * few groups of entries that only look like they might (they must come through unchanged).
 */
function logCases(run, secret, emit) {
  const { exchanges, other } = httpExchanges(run.stderr);
  const perMethod = new Map();
  for (const x of exchanges) {
    const n = (perMethod.get(x.method) ?? 0) + 1;
    perMethod.set(x.method, n);
    // the first two of each method, and every one that carries a value that must go
    const carries =
      /SessionToken|SecretAccessKey|Password|SecretString|"Value"|UserData|AssumeRole|CreateAccessKey/.test(x.text);
    if (n <= 1 || (carries && n <= 3)) emit(`${x.service ? x.service.trim() + ' ' : ''}${x.method} #${n}`, x.text);
  }
  // entries that are not HTTP: the ones that name a secret or a value of one, in small groups
  const loud = other.filter((e) =>
    /session_name|external_id|cty\.StringVal|password|secret|chpasswd|BEGIN PRIVATE KEY|sensitive|AKIA|ASIA/i.test(e),
  );
  chunks(loud.filter(secret), 3).forEach((text, i) => emit(`entries with secrets ${i + 1}`, text));
  chunks(
    loud.filter((e) => !secret(e)),
    6,
  )
    .slice(0, 6)
    .forEach((text, i) => emit(`entries naming secrets ${i + 1}`, text));
  // and a stretch of ordinary entries, which must stay as they are
  const quiet = other.filter((e) => !loud.includes(e));
  if (quiet.length) emit('ordinary entries', quiet.slice(0, 25).join('\n'));
}
