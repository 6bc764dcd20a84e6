// Types for estate.mjs (planning the real-module estate under tests/estate/).

export const PLACEHOLDER: string;
export const FIXED_TIMESTAMP: string;

/** The corpus folder (holding terraform-aws-modules/): $TFO_CORPUS, else a `shared/corpus` above `from`. */
export function findCorpus(from: string): string | null;

/** findCorpus, or an error naming where the corpus is looked for. */
export function requireCorpus(from: string): string;

/** The case names under <repo>/tests/estate/ (folders with a main.tf), sorted. */
export function estateCases(repo: string): Promise<string[]>;

/** The plan's JSON with the corpus path and the case folder put back to placeholders, timestamp fixed. */
export function portablePlan(text: string, where: { corpusModules: string; caseDir: string }): Record<string, unknown>;

export interface PlanEstateOptions {
  repo: string;
  corpus: string;
  cases: string[];
  /** A scratch folder: terraform.rc, the shared plugin cache and one copy of each case. */
  work: string;
  /** The moto server's endpoint. */
  endpoint: string;
  /** terraform binary (default $TFO_TERRAFORM or `terraform`). */
  terraform?: string;
  /** Provider filesystem mirror (default $TFO_PROVIDER_MIRROR or /opt/tf-plugins). */
  mirror?: string;
  /** Cases planned at once (default 2). */
  concurrency?: number;
  log?: (line: string) => void;
}

/** Plan the cases against moto; name -> `terraform show -json` made portable. */
export function planEstate(options: PlanEstateOptions): Promise<Map<string, Record<string, unknown>>>;
