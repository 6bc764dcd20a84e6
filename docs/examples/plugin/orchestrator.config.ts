import { defineConfig } from '@tfo/engine';
import { maintenanceWindow } from './maintenance-window.js';

export default defineConfig({
  deploymentsDir: 'deployments',
  rootModule: 'modules/root',
  accounts: {
    dev: { name: 'acme-dev', id: '111111111111' },
    prod: { name: 'acme-prod', id: '333333333333' },
  },
  // prod changes only between 22:00 and 04:00 UTC; dev and stage at any time
  plugins: [maintenanceWindow({ accounts: ['prod'], startHour: 22, endHour: 4 })],
});
