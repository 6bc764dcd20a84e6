// Types for policy-table.mjs (the README table of rules per service and profile).

/** A rule's metadata as the policies declare it (only the fields the table reads). */
export interface RuleMeta {
  profile?: 'baseline' | 'strict';
  cis?: string | null;
  [key: string]: unknown;
}

/** The markdown table: per service, its rules in each profile and their CIS controls. */
export function table(meta: Readonly<Record<string, RuleMeta>>): string;
