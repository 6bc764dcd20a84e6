import { existsSync } from 'node:fs';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SERVICE_MAP, findAttributeLine, redactText, type Finding, type RunResult } from '@tfo/engine';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { EvaluateResult } from './evaluate.worker.js';
import { precisionOf, SECURITY_SEVERITY } from './finding-contract.js';

/** Resource type prefix → service, to point a finding at the tfvars key that made the resource. */
const TYPE_SERVICE: ReadonlyArray<readonly [RegExp, string]> = [
  [/^aws_s3_/, 's3'],
  [/^aws_kms_/, 'kms'],
  [/^aws_iam_/, 'iam'],
  [/^aws_lambda_/, 'lambda'],
  [/^aws_dynamodb_/, 'dynamodb'],
  [/^aws_(db|rds)_/, 'rds'],
  [/^aws_(instance|ebs_|launch_template)/, 'ec2'],
  [/^aws_(vpc|security_group|default_security_group|network_acl|subnet|flow_log|default_vpc)/, 'vpc'],
  [/^aws_sns_/, 'sns'],
  [/^aws_sqs_/, 'sqs'],
  [/^aws_(cloudwatch_|cloudtrail)/, 'cloudwatch'],
  [/^aws_(api_gateway|apigatewayv2)_/, 'apigateway'],
  [/^aws_ssm_/, 'ssm'],
];

/** The tfvars line a finding belongs to: the entry of the variable (golden) or service key that made it. */
export function lineOf(finding: Finding, tfvars: string): number {
  const resource = finding.resource ?? '';
  const golden = resource.match(/^var\.([A-Za-z0-9_]+)(?:\["((?:[^"\\]|\\.)*)"\])?/);
  if (golden) return findAttributeLine(tfvars, golden[2] ? [golden[1]!, golden[2]] : [golden[1]!]) ?? 1;
  const type = resource.replace(/^(module\.[^.]+(\["[^"]*"\])?\.)*/, '').split('.')[0] ?? '';
  const service = TYPE_SERVICE.find(([re]) => re.test(type))?.[1];
  const key = resource.match(/\["((?:[^"\\]|\\.)*)"\]$/)?.[1];
  for (const [tfvarsKey, svc] of Object.entries(DEFAULT_SERVICE_MAP)) {
    if (svc !== service) continue;
    const line = findAttributeLine(tfvars, key ? [tfvarsKey, key] : [tfvarsKey]);
    if (line) return line;
  }
  return 1;
}

/** Redacts texts shown to people, in order; the plugin passes the engine's pooled redactor. */
export type TextRedactor = (texts: readonly string[]) => Promise<string[]>;

export interface SarifOptions {
  /** The bundle's rule metadata (for each rule's CIS control); findings alone carry the rest. */
  metadata?: EvaluateResult['metadata'] | undefined;
  /** Default: the engine's pattern redaction (no sensitive values of a run). */
  redact?: TextRedactor | undefined;
  /**
   * writeSarif: the run's redacted view (the engine's `shownRun`): the texts shown are its
   * findings', already redacted with the run's sensitive values, and are not redacted again.
   */
  shown?: RunResult | undefined;
  /** Prefix of the tfvars paths (which are relative to the config folder) to make them repository-relative. */
  uriPrefix?: string | undefined;
}

/**
 * The config folder relative to the root of the git work tree around it (`''` at the root or
 * outside a work tree): code scanning places results by repository-relative paths, and the
 * config (the reusable workflow's `working-directory`) may sit in a subfolder.
 */
export function repoPrefix(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) {
      const rel = path.relative(dir, path.resolve(cwd)).split(path.sep).join('/');
      return rel ? `${rel}/` : '';
    }
    if (path.dirname(dir) === dir) return '';
  }
}

const patternRedactor: TextRedactor = async (texts) => texts.map((t) => redactText(t));

/** The texts of one finding that people read, in the order `buildSarif` reads them back. */
function findingTexts(f: Finding): string[] {
  return [f.title, f.remediation ?? f.title, f.resource ?? '', f.message, f.waived?.reason ?? ''];
}
const TEXTS_PER_FINDING = 5;

/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per id, with `security-severity`, `precision` and
 * tags (profile, CIS control); one result per finding, located in its tfvars file, with the
 * finding's fingerprint as a partial fingerprint. Every text is redacted; locations are the
 * repository's own paths and are kept as they are.
 */
export async function buildSarif(
  findings: readonly Finding[],
  lines: (f: Finding) => number,
  options: SarifOptions = {},
): Promise<object> {
  const redact = options.redact ?? patternRedactor;
  const shown = await redact(findings.flatMap(findingTexts));
  if (shown.length !== findings.length * TEXTS_PER_FINDING) throw new Error('redaction changed the number of texts');
  const text = (i: number, k: number): string => shown[i * TEXTS_PER_FINDING + k] ?? '';
  /** Rule id → the first finding of it (its texts describe the rule). */
  const rules = new Map<string, number>();
  findings.forEach((f, i) => {
    if (!rules.has(f.ruleId)) rules.set(f.ruleId, i);
  });
  const ruleIndex = new Map([...rules.keys()].map((id, k) => [id, k]));
  // typed as SARIF 2.1.0 (@types/sarif, a devDependency: the declared return stays `object` so
  // that the package's public types do not need it)
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tfo-opa',
            informationUri: 'https://www.openpolicyagent.org/',
            rules: [...rules.entries()].map(([id, i]): ReportingDescriptor => {
              const f = findings[i]!;
              const cis = options.metadata?.[id]?.cis;
              return {
                id,
                name: id,
                shortDescription: { text: text(i, 0) },
                help: { text: text(i, 1) },
                properties: {
                  severity: f.severity,
                  'security-severity': SECURITY_SEVERITY[f.severity],
                  precision: precisionOf(f.profile),
                  tags: [
                    'terraform',
                    'security',
                    ...(f.profile ? [`profile:${f.profile}`] : []),
                    ...(cis ? [`cis:${cis}`] : []),
                  ],
                  ...(f.profile ? { profile: f.profile } : {}),
                  ...(cis ? { cis } : {}),
                },
              };
            }),
          },
        },
        results: findings.map((f, i): Result => {
          const resource = text(i, 2);
          const waived = f.waived ? ` (waived: ${text(i, 4)})` : '';
          return {
            ruleId: f.ruleId,
            ruleIndex: ruleIndex.get(f.ruleId),
            level: f.waived ? 'note' : f.level === 'deny' ? 'error' : 'warning',
            message: { text: `${resource ? `${resource}: ` : ''}${text(i, 3)}${waived}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.file ? path.posix.normalize(`${options.uriPrefix ?? ''}${f.file}`) : '' },
                  region: { startLine: lines(f) },
                },
              },
            ],
            ...(f.fingerprint ? { partialFingerprints: { 'tfoFinding/v1': f.fingerprint } } : {}),
            properties: { unknown: f.unknown === true, ...(f.profile ? { profile: f.profile } : {}) },
            ...(f.waived ? { suppressions: [{ kind: 'external', justification: text(i, 4) }] } : {}),
          };
        }),
      },
    ],
  };
  return log;
}

/** Writes the SARIF of a run's opa findings to `file`. */
export async function writeSarif(
  file: string,
  result: RunResult,
  cwd: string,
  options: SarifOptions = {},
): Promise<void> {
  const opaFindings = (r: RunResult): Finding[] =>
    r.deployments.flatMap((d) => d.findings.filter((f) => f.source === 'opa'));
  const findings = opaFindings(result);
  let redact = options.redact;
  if (options.shown) {
    // the view's findings, one for one with the result's (same order; only strings differ)
    const shownTexts = opaFindings(options.shown).flatMap(findingTexts);
    redact = async () => shownTexts;
  }
  const texts = new Map<string, string>();
  for (const f of findings) {
    if (f.file && !texts.has(f.file))
      texts.set(f.file, await readFile(path.resolve(cwd, f.file), 'utf8').catch(() => ''));
  }
  const sarif = await buildSarif(findings, (f) => lineOf(f, texts.get(f.file ?? '') ?? ''), {
    uriPrefix: repoPrefix(cwd),
    ...options,
    redact,
  });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(sarif, null, 2)}\n`);
}
