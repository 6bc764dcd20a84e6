// The composition `npm run demo` runs: the offline example repository, applied for real with
// terraform's built-in terraform_data resources, state in .tfo/ beside this file.
import { defineConfig } from '@tfo/engine';
import { audit } from '@tfo/plugin-audit';
import { github } from '@tfo/plugin-github';
import { opa } from '@tfo/plugin-opa';
import { report } from '@tfo/plugin-report';
import { changeBudget } from './examples/plugins/change-budget.ts';

export default defineConfig({
  deploymentsDir: 'examples/offline/deployments',
  rootModule: 'examples/offline/modules/root',
  accounts: {
    dev: { name: 'acme-dev', id: '111111111111', allowedRegions: ['us-east-1', 'eu-west-1'] },
    stage: { name: 'acme-stage', id: '222222222222', allowedRegions: ['us-east-1', 'eu-west-1'] },
    prod: { name: 'acme-prod', id: '333333333333', allowedRegions: ['us-east-1', 'eu-west-1'] },
  },
  timeoutSeconds: 600,
  plugins: [
    // the policy gate: the first-party Rego shipped compiled to wasm in @tfo/plugin-opa, evaluated
    // in worker threads (an organisation adds its own: policies: [FIRST_PARTY, './org-policies'])
    opa(),
    // the audit trail: append-only JSONL per day under .tfo/audit/, chained by SHA-256
    audit(),
    // an organisation's own plugin: a deployment that would destroy anything needs a human
    changeBudget({ maxDestroy: 0 }),
    // pull request comments, check run, step summary and annotations: only inside GitHub Actions
    github(),
    // the run's HTML report (report.html in the run folder) and, with --junit, JUnit XML
    report(),
  ],
});
