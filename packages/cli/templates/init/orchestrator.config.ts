// tfo configuration: where the deployments are, the accounts they go to, and the plugins that
// gate, record and report every run. Docs: https://www.npmjs.com/package/@tfo/cli
import { defineConfig } from '@tfo/engine';
import { audit } from '@tfo/plugin-audit';
import { opa } from '@tfo/plugin-opa';
import { report } from '@tfo/plugin-report';

export default defineConfig({
  // every *.tfvars under deployments/ is one deployment: deployments/<env>/<SERVICE>/<project>/<project>.tfvars
  deploymentsDir: 'deployments',
  // the one root module every deployment runs in (or one per service: { default: ..., s3: ... })
  rootModule: 'modules/root',
  // account_key in a tfvars file names one of these; replace the ids with your own accounts
  accounts: {
    dev: { name: 'example-dev', id: '111111111111', allowedRegions: ['us-east-1', 'eu-west-1'] },
    prod: { name: 'example-prod', id: '222222222222', allowedRegions: ['us-east-1', 'eu-west-1'] },
  },
  plugins: [
    // the policy gate: the first-party policies ship compiled inside @tfo/plugin-opa (no opa binary needed)
    opa(),
    // the audit trail: append-only JSONL per day under .tfo/audit/, chained by SHA-256 (tfo audit verify)
    audit(),
    // the HTML report of every run, in its run folder (.tfo/runs/<run-id>/report.html)
    report(),
  ],
});
