import { redactInPool, type DeploymentResult, type Engine } from '@tfo/engine';
import { planSection, readLog, trimLines } from './plan-text.js';
import type { RedactedDeployment } from './render.js';

/** Statuses whose plan is worth showing. */
const WITH_PLAN = new Set(['planned', 'applied', 'blocked', 'failed', 'recovered']);
/** Deployments prepared at once (reading logs, redacting in the pool). */
export const CONCURRENCY = 8;

/**
 * One deployment as every GitHub output shows it: its texts from the run's redacted view (`shown`),
 * its plan section of the log redacted whole and only then trimmed (a cut before redaction could
 * leave a secret's head or tail that no rule recognises).
 */
export async function prepareDeployment(
  engine: Engine,
  source: DeploymentResult,
  shown: DeploymentResult,
  planMaxChars: number,
): Promise<RedactedDeployment> {
  let plan = '';
  if (WITH_PLAN.has(source.status)) {
    const failedAfterPlan = source.error !== undefined && source.error.stage !== 'plan';
    // the sections are cut at tfo's own `$ terraform …` lines and terraform's "will perform" line,
    // which no secret spans; the section is redacted whole, and only then trimmed
    const section = planSection(await readLog(source.logFile), failedAfterPlan);
    const redacted = await redactInPool(engine, section, engine.sensitive);
    plan = trimLines(redacted, planMaxChars, (n) => `… ${n} lines …`);
  }
  return {
    result: shown,
    source,
    key: shown.key,
    file: shown.file,
    error: shown.error?.message || undefined,
    plan,
    findings: shown.findings.map((finding) => ({
      finding,
      title: finding.title,
      message: finding.message,
      resource: finding.resource || undefined,
      remediation: finding.remediation || undefined,
    })),
  };
}
