// Runs terraform against moto for the redaction corpus (scripts/redact-corpus.mjs): a small root
// module with sensitive variables and outputs, planned and applied with colour on and off, with
// the -json UI, with TF_LOG=DEBUG and TRACE, then shown, output, pulled and updated. Returns what
// each command printed, untouched.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { motoProvider, terraformEnv } from './terraform-moto.mjs';
import { SECRETS, PEM } from './corpus-secrets.mjs';

export const ROLE_ARN = SECRETS.roleArn;

const MAIN_TF = `${motoProvider(`  assume_role {
    role_arn     = "${SECRETS.roleArn}"
    session_name = "${SECRETS.sessionName}"
    external_id  = "${SECRETS.externalId}"
  }
`)}
variable "db_password" {
  type      = string
  sensitive = true
}
variable "tls_private_key_pem" {
  type      = string
  sensitive = true
}
variable "api_token" {
  type      = string
  sensitive = true
}
variable "rds_password" {
  type      = string
  sensitive = true
}
variable "user_data" {
  type = string
}
variable "instance_user_data" {
  type = string
}
variable "environment" {
  type = string
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "acme-corpus-artifacts-use1"
  tags   = { Team = "platform", Environment = var.environment }
}

resource "aws_security_group" "web" {
  name        = "acme-corpus-web"
  description = "web ingress"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ssm_parameter" "db_password" {
  name  = "/acme/dev/db/password"
  type  = "SecureString"
  value = var.db_password
}

resource "aws_ssm_parameter" "tls_key" {
  name  = "/acme/dev/tls/private-key"
  type  = "SecureString"
  value = var.tls_private_key_pem
}

# cloud-init kept for the bootstrap script: not marked sensitive (the leak a reviewer looks for)
resource "aws_ssm_parameter" "bootstrap" {
  name           = "/acme/dev/web/user-data"
  type           = "String"
  insecure_value = var.user_data
}

resource "aws_iam_user" "ci" {
  name = "acme-corpus-ci-deployer"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

resource "aws_secretsmanager_secret" "app" {
  name = "acme/dev/app-credentials"
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({
    username  = "app"
    password  = var.db_password
    api_token = var.api_token
  })
}

resource "aws_instance" "web" {
  ami                    = "ami-12c6146b"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
  user_data              = var.instance_user_data
  tags                   = { Name = "acme-corpus-web", Environment = var.environment }
}

resource "aws_db_instance" "orders" {
  identifier          = "acme-corpus-orders"
  engine              = "postgres"
  engine_version      = "15.4"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "orders_admin"
  password            = var.rds_password
  skip_final_snapshot = true
}

output "ci_access_key_id" {
  value = aws_iam_access_key.ci.id
}
output "ci_secret_access_key" {
  value     = aws_iam_access_key.ci.secret
  sensitive = true
}
output "db_password" {
  value     = var.db_password
  sensitive = true
}
output "bucket" {
  value = aws_s3_bucket.artifacts.bucket
}
output "instance_id" {
  value = aws_instance.web.id
}
`;

export const USER_DATA = `#cloud-config
chpasswd:
  list: |
    root:${SECRETS.rootPassword}
    ubuntu:${SECRETS.ubuntuPassword}
  expire: false
`;

export const USER_DATA_NEW = `#cloud-config
chpasswd:
  list: |
    root:${SECRETS.rootPassword}
    ubuntu:${SECRETS.ubuntuPassword}
    deploy:${SECRETS.deployPassword}
  expire: false
`;

/** The secret_string terraform computes (jsonencode sorts keys). */
export const secretString = (password) => JSON.stringify({ api_token: SECRETS.apiToken, password, username: 'app' });

function vars(update, environment = update ? 'staging' : 'dev') {
  return {
    db_password: update ? SECRETS.dbPasswordNew : SECRETS.dbPassword,
    tls_private_key_pem: PEM + '\n',
    api_token: SECRETS.apiToken,
    rds_password: SECRETS.rdsPassword,
    user_data: update ? USER_DATA_NEW : USER_DATA,
    instance_user_data: USER_DATA,
    environment,
  };
}

/**
 * Runs the whole sequence; `onStep` hears each command's name. Returns one transcript per command.
 * @returns {Promise<Array<{ step: string, command: string, stdout: string, stderr: string, update: boolean }>>}
 */
export async function runTerraform({ work, endpoint, onStep = () => {} }) {
  const dir = path.join(work, 'root');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'main.tf'), MAIN_TF);
  const base = {
    ...(await terraformEnv({ work, endpoint })),
    AWS_ACCESS_KEY_ID: SECRETS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SECRETS.secretAccessKey,
  };
  delete base.TF_LOG;
  delete base.TF_LOG_PATH;
  const out = [];
  let update = false;
  const run = async (step, args, extraEnv = {}) => {
    onStep(step);
    const env = { ...base, ...extraEnv };
    const r = await execa('terraform', args, {
      cwd: dir,
      env,
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
    });
    const shown = Object.keys(extraEnv)
      .map((k) => `${k}=${extraEnv[k]} `)
      .join('');
    const command = `${shown}terraform ${args.join(' ')}`;
    if (r.exitCode !== 0)
      throw new Error(`${command} exited ${r.exitCode}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`);
    out.push({ step, command, stdout: r.stdout, stderr: r.stderr, update });
    return r;
  };
  const setVars = (u, environment) =>
    writeFile(path.join(dir, 'terraform.tfvars.json'), JSON.stringify(vars(u, environment), null, 2));

  await setVars(false);
  await run('init', ['init', '-input=false']);
  await run('plan-colour', ['plan', '-input=false']);
  await run('plan-no-color', ['plan', '-input=false', '-no-color']);
  await run('plan-json', ['plan', '-input=false', '-json']);
  await run('plan-debug', ['plan', '-input=false', '-no-color', '-out=create.tfplan'], { TF_LOG: 'DEBUG' });
  await run('apply-debug', ['apply', '-input=false', 'create.tfplan'], { TF_LOG: 'DEBUG' });
  await run('show-colour', ['show']);
  await run('show-no-color', ['show', '-no-color']);
  await run('output', ['output']);
  await run('output-json', ['output', '-json']);
  await run('output-raw', ['output', '-raw', 'ci_secret_access_key']);
  await run('state-pull', ['state', 'pull']);
  await run('show-json', ['show', '-json']);

  update = true;
  await setVars(true);
  await run('update-plan-colour', ['plan', '-input=false']);
  await run('update-plan-trace', ['plan', '-input=false', '-no-color', '-out=update.tfplan'], { TF_LOG: 'TRACE' });
  await run('update-apply-json', ['apply', '-input=false', '-json', 'update.tfplan']);
  await run('update-state-pull', ['state', 'pull']);
  // a tag change applied straight away without colour: the plan, the progress and the outputs
  await setVars(true, 'prod');
  await run('retag-apply-no-color', ['apply', '-input=false', '-no-color', '-auto-approve']);
  return out;
}
