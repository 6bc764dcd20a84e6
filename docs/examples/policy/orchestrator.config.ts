import { defineConfig } from '@tfo/engine';
import { opa } from '@tfo/plugin-opa';

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
      policies: ['policies', 'policy/acme'],
    }),
  ],
});
