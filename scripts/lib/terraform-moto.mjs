// terraform against a moto server on 127.0.0.1, with the hashicorp/aws provider from a filesystem
// mirror (terraform cannot download providers here): one provider block and one environment for
// every script and test that plans a fixture configuration (policy fixtures, the normaliser's
// fixtures, the real-module estate, the corpus).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The provider mirror: $TFO_PROVIDER_MIRROR, else the machine image's /opt/tf-plugins. */
export const PROVIDER_MIRROR = process.env.TFO_PROVIDER_MIRROR ?? '/opt/tf-plugins';

/**
 * The terraform block and the AWS provider 5.100.0 against AWS_ENDPOINT_URL; `inside` is more of
 * the provider block (an `assume_role`), indented as its other lines.
 */
export function motoProvider(inside = '') {
  return `terraform {
  required_providers {
    aws = {
      source  = "registry.terraform.io/hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
${inside}}
`;
}

/** A provider.tf for a configuration that has none. */
export const MOTO_PROVIDER = motoProvider();

/**
 * Writes `<work>/terraform.rc` (providers from the mirror only) and makes `<work>/plugin-cache`;
 * returns the environment for terraform against the moto server at `endpoint`.
 */
export async function terraformEnv({ work, endpoint, mirror = PROVIDER_MIRROR }) {
  const rc = path.join(work, 'terraform.rc');
  await writeFile(
    rc,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/*/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n`,
  );
  const cache = path.join(work, 'plugin-cache');
  await mkdir(cache, { recursive: true });
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: rc,
    TF_PLUGIN_CACHE_DIR: cache,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: endpoint,
  };
}
