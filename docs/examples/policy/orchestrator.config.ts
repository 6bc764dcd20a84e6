import { defineConfig } from '@tfo/engine';
import { FIRST_PARTY, opa } from '@tfo/plugin-opa';

export default defineConfig({
  deploymentsDir: 'deployments',
  rootModule: 'modules/root',
  accounts: {
    dev: { name: 'acme-dev', id: '111111111111' },
    prod: { name: 'acme-prod', id: '333333333333' },
  },
  plugins: [
    opa({
      // compiled together into one bundle: tfo's first-party rules and ACME's own
      policies: [FIRST_PARTY, 'policy/acme'],
    }),
  ],
});
