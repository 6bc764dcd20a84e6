import { defineConfig } from '@tfo/engine';
import { audit, fileSink } from '@tfo/plugin-audit';
import { encryptedFileSink } from './encrypted-file-sink.js';

export default defineConfig({
  deploymentsDir: 'deployments',
  rootModule: 'modules/root',
  accounts: {
    dev: { name: 'acme-dev', id: '111111111111' },
    prod: { name: 'acme-prod', id: '333333333333' },
  },
  plugins: [
    audit({
      // the hash-chained trail tfo verifies, and a second copy for the compliance archive
      sinks: [fileSink(), encryptedFileSink({ file: 'audit-archive/records.jsonl', keyEnv: 'ACME_AUDIT_KEY' })],
      failClosed: true, // the default: no key, no run
    }),
  ],
});
