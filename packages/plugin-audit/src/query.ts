import path from 'node:path';
import { TfoError } from '@tfo/engine';
import { listAuditFiles, readLines } from './audit-files.js';
import type { AuditAction, ChainedAuditRecord } from './record.js';
import { checkLine } from './verify.js';

export interface AuditQuery {
  /** Account name or 12-digit id. */
  account?: string | undefined;
  project?: string | undefined;
  /** Inclusive lower bound: an ISO timestamp, or a day (`2025-01-31`, from its start, UTC). */
  since?: string | undefined;
  /** Inclusive upper bound: an ISO timestamp, or a day (to its end, UTC). */
  until?: string | undefined;
  action?: AuditAction | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A bound as epoch ms; a bare day is its first (since) or last (until) millisecond, UTC. */
export function parseBound(value: string, edge: 'since' | 'until'): number {
  const text = DAY.test(value) ? `${value}T${edge === 'since' ? '00:00:00.000' : '23:59:59.999'}Z` : value;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new TfoError(
      'TFO_ERR_USAGE',
      `--${edge} ${JSON.stringify(value)} is not a date (YYYY-MM-DD) or ISO timestamp`,
    );
  }
  return ms;
}

/** Whether a record matches every given filter. */
export function matches(record: ChainedAuditRecord, query: AuditQuery): boolean {
  const d = record.deployment;
  if (query.account !== undefined && d.account !== query.account && d.accountId !== query.account) return false;
  if (query.project !== undefined && d.project !== query.project) return false;
  if (query.action !== undefined && record.action !== query.action) return false;
  const at = Date.parse(record.timestamp);
  if (query.since !== undefined && at < parseBound(query.since, 'since')) return false;
  if (query.until !== undefined && at > parseBound(query.until, 'until')) return false;
  return true;
}

/**
 * Records of a file sink's folder matching the query, in chain order. A line that does not hold
 * stops the query with its file and line: `tfo audit verify` says more.
 */
export async function queryFile(dir: string, query: AuditQuery = {}): Promise<ChainedAuditRecord[]> {
  if (query.since !== undefined) parseBound(query.since, 'since');
  if (query.until !== undefined) parseBound(query.until, 'until');
  const out: ChainedAuditRecord[] = [];
  for (const file of await listAuditFiles(dir)) {
    for await (const line of readLines(path.join(dir, file))) {
      const check = checkLine(line.bytes);
      if (!check.ok) {
        throw new TfoError('TFO_ERR_AUDIT', `audit record unreadable: ${check.reason}`, {
          file: path.join(dir, file),
          line: line.line,
        });
      }
      if (matches(check.record, query)) out.push(check.record);
    }
  }
  return out;
}

export interface AccountSummary {
  account: string;
  accountId: string;
  /** Applies that changed something (outcome applied), state restores included. */
  changes: number;
  plans: number;
  failures: number;
  recoveries: number;
  waiversUsed: number;
  policyBlocks: number;
  /** Changes found by verify right after an apply (`drift` records). */
  drift: number;
  /** `tfo state restore` and `tfo state unlock` taken by hand. */
  stateRepairs: number;
}

/** What the report reads of a record: any source's (file, DynamoDB index) will do. */
export type ReportableRecord = Pick<
  ChainedAuditRecord,
  'id' | 'timestamp' | 'action' | 'outcome' | 'deployment' | 'error' | 'recovery' | 'waivers' | 'findings'
>;

export interface ComplianceReport {
  since: string | null;
  until: string | null;
  records: number;
  totals: Omit<AccountSummary, 'account' | 'accountId'>;
  accounts: AccountSummary[];
  failures: Array<{
    timestamp: string;
    account: string;
    file: string;
    stage: string | null;
    message: string | null;
    id: string;
  }>;
  recoveries: Array<{ timestamp: string; account: string; file: string; action: string; ok: boolean; id: string }>;
  waivers: Array<{
    timestamp: string;
    account: string;
    file: string;
    ruleId: string;
    resource: string | null;
    reason: string;
    approver: string | null;
    expires: string;
  }>;
  policyBlocks: Array<{ timestamp: string; account: string; file: string; rules: string[]; id: string }>;
}

const empty = (): Omit<AccountSummary, 'account' | 'accountId'> => ({
  changes: 0,
  plans: 0,
  failures: 0,
  recoveries: 0,
  waiversUsed: 0,
  policyBlocks: 0,
  drift: 0,
  stateRepairs: 0,
});

/** Records that repeat another record's outcome for one fact (a waiver used, drift found). */
const FOLLOW_UP: ReadonlySet<string> = new Set(['waiver-used', 'drift']);

/** Changes per account, failures, recoveries, waivers used and policy blocks since a date. */
export function complianceReport(records: readonly ReportableRecord[], since?: string): ComplianceReport {
  const from = since === undefined ? undefined : parseBound(since, 'since');
  const picked = records.filter((r) => from === undefined || Date.parse(r.timestamp) >= from);
  const byAccount = new Map<string, AccountSummary>();
  const report: ComplianceReport = {
    since: since ?? null,
    until: picked.length ? (picked[picked.length - 1]?.timestamp ?? null) : null,
    records: picked.length,
    totals: empty(),
    accounts: [],
    failures: [],
    recoveries: [],
    waivers: [],
    policyBlocks: [],
  };
  const bump = (row: AccountSummary, field: keyof ReturnType<typeof empty>, by = 1): void => {
    row[field] += by;
    report.totals[field] += by;
  };
  for (const r of picked) {
    const d = r.deployment;
    let row = byAccount.get(d.account);
    if (!row) byAccount.set(d.account, (row = { account: d.account, accountId: d.accountId, ...empty() }));
    const base = { timestamp: r.timestamp, account: d.account, file: d.file };
    if (r.action === 'drift') bump(row, 'drift');
    if (FOLLOW_UP.has(r.action)) continue;
    if (r.action === 'restore' || r.action === 'unlock') bump(row, 'stateRepairs');
    if (r.action === 'plan') bump(row, 'plans');
    // an unlock removes a lock, not infrastructure: a repair, not a change
    if (r.outcome === 'applied' && r.action !== 'unlock') bump(row, 'changes');
    if (r.outcome === 'failed') {
      bump(row, 'failures');
      report.failures.push({ ...base, stage: r.error?.stage ?? null, message: r.error?.message ?? null, id: r.id });
    }
    if (r.recovery) {
      bump(row, 'recoveries');
      report.recoveries.push({ ...base, action: r.recovery.action, ok: r.recovery.ok, id: r.id });
    }
    if (r.waivers.length > 0) {
      bump(row, 'waiversUsed', r.waivers.length);
      for (const w of r.waivers) report.waivers.push({ ...base, ...w });
    }
    if (r.outcome === 'blocked') {
      bump(row, 'policyBlocks');
      const rules = r.findings.filter((f) => f.level === 'deny' && !f.waived).map((f) => f.ruleId);
      report.policyBlocks.push({ ...base, rules: [...new Set(rules)].sort(), id: r.id });
    }
  }
  report.accounts = [...byAccount.values()].sort((a, b) => a.account.localeCompare(b.account));
  return report;
}
