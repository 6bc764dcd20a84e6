import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SERVICE_MAP, findAttributeLine, type Finding, type RunResult } from '@tfo/engine';

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

/** SARIF 2.1.0 for GitHub code scanning: one result per finding, located in its tfvars file. */
export async function writeSarif(file: string, result: RunResult, cwd: string): Promise<void> {
  const findings = result.deployments.flatMap((d) => d.findings.filter((f) => f.source === 'opa'));
  const rules = new Map<string, Finding>();
  for (const f of findings) if (!rules.has(f.ruleId)) rules.set(f.ruleId, f);
  const texts = new Map<string, string>();
  for (const f of findings) {
    if (f.file && !texts.has(f.file))
      texts.set(f.file, await readFile(path.resolve(cwd, f.file), 'utf8').catch(() => ''));
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tfo-opa',
            informationUri: 'https://www.openpolicyagent.org/',
            rules: [...rules.values()].map((f) => ({
              id: f.ruleId,
              name: f.ruleId,
              shortDescription: { text: f.title },
              help: { text: f.remediation ?? f.title },
              properties: { severity: f.severity, tags: ['terraform', 'security'] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          level: f.waived ? 'note' : f.level === 'deny' ? 'error' : 'warning',
          message: {
            text: `${f.resource ? `${f.resource}: ` : ''}${f.message}${f.waived ? ` (waived: ${f.waived.reason})` : ''}`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file ?? '' },
                region: { startLine: lineOf(f, texts.get(f.file ?? '') ?? '') },
              },
            },
          ],
          ...(f.waived ? { suppressions: [{ kind: 'external', justification: f.waived.reason }] } : {}),
        })),
      },
    ],
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(sarif, null, 2)}\n`);
}
