import { DEFAULT_REGION_CODES, DEFAULT_SERVICE_MAP, type TfoConfig } from '../config/config-schema.js';
import { TfoError, type ErrorCode } from '../errors.js';
import type { AccountInfo, Deployment } from '../model.js';
import { findAttributeLine } from './tfvars.js';

/** A full AWS region name (`us-east-1`, `us-gov-west-1`). */
const REGION_NAME = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** tfvars top-level key → service: the defaults with `config.services` merged over them. */
export function serviceMap(config: Pick<TfoConfig, 'services'>): Record<string, string> {
  return { ...DEFAULT_SERVICE_MAP, ...config.services };
}

/** Region code → region name: the defaults with `config.regionCodes` merged over them. */
export function regionCodeMap(config: Pick<TfoConfig, 'regionCodes'>): Record<string, string> {
  return { ...DEFAULT_REGION_CODES, ...config.regionCodes };
}

/** Services named by the TOP-LEVEL keys of a tfvars file, sorted and unique. */
export function detectServices(values: Record<string, unknown>, map: Readonly<Record<string, string>>): string[] {
  const found = new Set<string>();
  for (const key of Object.keys(values)) {
    const service = Object.hasOwn(map, key) ? map[key] : undefined;
    if (service !== undefined) found.add(service);
  }
  return [...found].sort();
}

/** `{service}/{account}/{region}/{project}/terraform.tfstate`, or `combined/...` for several services. */
export function stateKey(services: readonly string[], accountName: string, region: string, project: string): string {
  if (services.length === 0) {
    throw new TfoError('TFO_ERR_NO_SERVICES', `no services given for the state key of project "${project}"`);
  }
  const head = services.length === 1 ? services[0]! : 'combined';
  return `${head}/${accountName}/${region}/${project}/terraform.tfstate`;
}

/** Throws TFO_ERR_DUPLICATE_KEY naming both files when two deployments map to one state key. */
export function assertUniqueKeys(deployments: readonly Pick<Deployment, 'key' | 'file'>[]): void {
  const owner = new Map<string, string>();
  const clashes: Array<{ key: string; first: string; second: string }> = [];
  for (const d of deployments) {
    const first = owner.get(d.key);
    if (first === undefined) owner.set(d.key, d.file);
    else clashes.push({ key: d.key, first, second: d.file });
  }
  const [head] = clashes;
  if (head === undefined) return;
  const lines = clashes.slice(0, 20).map((c) => `${c.first} and ${c.second} both map to state key ${c.key}`);
  if (clashes.length > 20) lines.push(`... and ${clashes.length - 20} more`);
  throw new TfoError(
    'TFO_ERR_DUPLICATE_KEY',
    `${lines.join('\n')}\nmerge each pair into one file, or move one to another project folder`,
    { file: head.second },
  );
}

/** Throws TFO_ERR_NO_SERVICES (naming the file and the keys it has) when no service key is found. */
export function requireServices(
  values: Record<string, unknown>,
  file: string,
  map: Readonly<Record<string, string>>,
): string[] {
  const services = detectServices(values, map);
  if (services.length > 0) return services;
  const keys = Object.keys(values);
  throw inputError(
    'TFO_ERR_NO_SERVICES',
    file,
    1,
    `no known service key among the top-level keys (${keys.join(', ') || 'none'}); ` +
      `known keys: ${Object.keys(map).sort().join(', ')}; add one, or map yours with \`services\` in config`,
  );
}

export interface Target {
  account: AccountInfo;
  /** Full region name. */
  region: string;
}

/**
 * Reads the account and the region of a tfvars file: from `config.accountFields` and
 * `config.regionFields` at the top level (first match wins), else from the entries of its
 * service keys (`s3_buckets = { b = { account_key = "dev", region_code = "use1" } }`), which
 * must all agree. Errors name the file and the line of the offending attribute.
 */
export function resolveAccountAndRegion(
  values: Record<string, unknown>,
  file: string,
  text: string,
  config: Pick<TfoConfig, 'accounts' | 'accountFields' | 'regionFields' | 'regionCodes' | 'services'>,
): Target {
  const services = serviceMap(config);
  const codes = regionCodeMap(config);

  const acc = readField(values, file, text, config.accountFields, services, 'account', (a, b) => a === b);
  if (!acc) {
    throw inputError(
      'TFO_ERR_MISSING_ACCOUNT',
      file,
      firstServiceLine(values, text, services),
      `no account: set ${config.accountFields.join(' or ')} at the top level or in every service entry`,
    );
  }
  const account = lookupAccount(acc, file, config);

  const sameRegion = (a: string, b: string): boolean =>
    (toRegion({ value: a }, codes) ?? a) === (toRegion({ value: b }, codes) ?? b);
  const reg = readField(values, file, text, config.regionFields, services, 'region', sameRegion);
  if (!reg) {
    throw inputError(
      'TFO_ERR_MISSING_REGION',
      file,
      firstServiceLine(values, text, services),
      `no region: set ${config.regionFields.join(' or ')} at the top level or in every service entry`,
    );
  }
  const region = toRegion(reg, codes);
  if (region === undefined) {
    throw inputError(
      'TFO_ERR_UNKNOWN_REGION',
      file,
      reg.line,
      `${reg.field} = "${reg.value}" is neither a region code (${Object.keys(codes).sort().join(', ')}) ` +
        'nor a region name like us-east-1; use one, or add the code to regionCodes in config',
    );
  }
  const allowed = account.allowedRegions.map((r) => toRegion({ value: r }, codes) ?? r);
  if (allowed.length > 0 && !allowed.includes(region)) {
    throw inputError(
      'TFO_ERR_REGION_NOT_ALLOWED',
      file,
      reg.line,
      `region ${region} is not allowed for account "${account.key}" (allowed: ${allowed.join(', ')}); ` +
        'target an allowed region, or add it to allowedRegions in config',
    );
  }
  return { account, region };
}

interface FieldValue {
  field: string;
  value: string;
  /** Line of the attribute, looked up only when an error needs it. */
  readonly line: number;
}

/** A value with its line found lazily: scanning the text is for errors, not the happy path. */
function located<T extends object>(props: T, text: string, path: readonly string[]): T & { readonly line: number } {
  let line: number | undefined;
  return Object.defineProperty(props, 'line', {
    get: (): number => (line ??= findAttributeLine(text, path) ?? 1),
    enumerable: true,
  }) as T & { readonly line: number };
}

/** The first configured field at the top level, else the agreeing value of every service entry. */
function readField(
  values: Record<string, unknown>,
  file: string,
  text: string,
  fields: readonly string[],
  services: Readonly<Record<string, string>>,
  what: 'account' | 'region',
  same: (a: string, b: string) => boolean,
): FieldValue | undefined {
  const code: ErrorCode = what === 'account' ? 'TFO_ERR_UNKNOWN_ACCOUNT' : 'TFO_ERR_UNKNOWN_REGION';
  const top = pick(values, fields);
  if (top) return checked(top.field, top.value, [top.field], file, text, code);

  const found: Array<FieldValue & { entry: string }> = [];
  const missing: Array<{ entry: string; readonly line: number }> = [];
  for (const [path, entry] of serviceEntries(values, services)) {
    const hit = pick(entry, fields);
    if (hit) {
      const value = checked(hit.field, hit.value, [...path, hit.field], file, text, code);
      found.push(Object.assign(value, { entry: path.join('.') }));
    } else missing.push(located({ entry: path.join('.') }, text, path));
  }
  if (found.length === 0) return undefined;
  // values may come in another order than the file's: when reporting, follow the order of the file.
  const byLine = <T extends { readonly line: number }>(list: T[]): T[] => list.sort((a, b) => a.line - b.line);
  if (found.some((f) => !same(f.value, found[0]!.value))) byLine(found);
  const first = found[0]!;
  const other = found.find((f) => !same(f.value, first.value));
  if (other) {
    throw inputError(
      code,
      file,
      other.line,
      `service entries disagree on the ${what}: ${first.entry} (line ${first.line}) has ${first.field} = ` +
        `"${first.value}" but ${other.entry} has ${other.field} = "${other.value}"; ` +
        `one tfvars file deploys to one ${what}: split the file`,
    );
  }
  const [gap] = missing.length > 1 ? byLine(missing) : missing;
  if (gap) {
    const missingCode: ErrorCode = what === 'account' ? 'TFO_ERR_MISSING_ACCOUNT' : 'TFO_ERR_MISSING_REGION';
    throw inputError(
      missingCode,
      file,
      gap.line,
      `service entry ${gap.entry} sets no ${fields.join(' or ')} while ${first.entry} sets "${first.value}"; ` +
        `set it in every entry, or once at the top level`,
    );
  }
  return first;
}

function pick(obj: Record<string, unknown>, fields: readonly string[]): { field: string; value: unknown } | undefined {
  for (const field of fields) if (Object.hasOwn(obj, field)) return { field, value: obj[field] };
  return undefined;
}

function checked(
  field: string,
  value: unknown,
  path: readonly string[],
  file: string,
  text: string,
  code: ErrorCode,
): FieldValue {
  if (typeof value === 'string' && value.length > 0) return located({ field, value }, text, path);
  if (typeof value === 'number' && Number.isInteger(value)) return located({ field, value: String(value) }, text, path);
  const line = findAttributeLine(text, path) ?? 1;
  throw inputError(code, file, line, `${field} must be a non-empty string, not ${JSON.stringify(value)}`);
}

/**
 * The entries of each service key, with their path: a map of objects yields each object, a list
 * of objects each element, and a single object (`s3_bucket = { ... }`) itself.
 */
function* serviceEntries(
  values: Record<string, unknown>,
  services: Readonly<Record<string, string>>,
): Generator<[string[], Record<string, unknown>]> {
  for (const [key, value] of Object.entries(values)) {
    if (!Object.hasOwn(services, key)) continue;
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) if (isObject(v)) yield [[key, String(i)], v];
    } else if (isObject(value)) {
      const inner = Object.entries(value);
      if (inner.length === 0) continue;
      if (inner.every(([, v]) => isObject(v))) {
        for (const [name, v] of inner) yield [[key, name], v as Record<string, unknown>];
      } else {
        yield [[key], value];
      }
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lookupAccount(acc: FieldValue, file: string, config: Pick<TfoConfig, 'accounts'>): AccountInfo {
  const entry = Object.hasOwn(config.accounts, acc.value) ? config.accounts[acc.value] : undefined;
  if (entry === undefined) {
    const known = Object.keys(config.accounts).sort();
    const byName = Object.entries(config.accounts).find(([, a]) => a.name === acc.value || a.id === acc.value);
    const hint = byName ? ` ("${acc.value}" is the name or id of account key "${byName[0]}": use the key)` : '';
    throw inputError(
      'TFO_ERR_UNKNOWN_ACCOUNT',
      file,
      acc.line,
      `${acc.field} = "${acc.value}" is not an account key in config; known keys: ${known.join(', ')}${hint}`,
    );
  }
  return {
    key: acc.value,
    name: entry.name,
    id: entry.id,
    roleArn: entry.roleArn,
    allowedRegions: [...entry.allowedRegions],
  };
}

function toRegion(v: Pick<FieldValue, 'value'>, codes: Readonly<Record<string, string>>): string | undefined {
  if (Object.hasOwn(codes, v.value)) return codes[v.value];
  return REGION_NAME.test(v.value) ? v.value : undefined;
}

function firstServiceLine(
  values: Record<string, unknown>,
  text: string,
  services: Readonly<Record<string, string>>,
): number {
  const key = Object.keys(values).find((k) => Object.hasOwn(services, k));
  return (key === undefined ? undefined : findAttributeLine(text, [key])) ?? 1;
}

function inputError(code: ErrorCode, file: string, line: number, message: string): TfoError {
  return new TfoError(code, `${file}:${line}: ${message}`, { file, line });
}
