// Types for terraform-moto.mjs (terraform against moto with the provider mirror).

/** $TFO_PROVIDER_MIRROR, else /opt/tf-plugins. */
export const PROVIDER_MIRROR: string;

/** A provider.tf for configurations without one: AWS provider 5.100.0 against AWS_ENDPOINT_URL. */
export const MOTO_PROVIDER: string;

/** Writes <work>/terraform.rc and <work>/plugin-cache; the environment for terraform against moto. */
export function terraformEnv(options: {
  work: string;
  endpoint: string;
  mirror?: string;
}): Promise<Record<string, string>>;
