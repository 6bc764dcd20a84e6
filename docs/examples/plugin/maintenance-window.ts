import { parsePluginOptions, STAGE, type Plugin } from '@tfo/engine';
import { z } from 'zod';

const hour = z.number().int().min(0).max(23);
const schema = z
  .object({
    /** Account keys (`prod`) whose applies must wait for the window. */
    accounts: z.array(z.string().min(1)).min(1),
    /** The window in UTC hours, start included, end excluded; may wrap midnight (22 → 4). */
    startHour: hour,
    endHour: hour,
  })
  .strict();

/** Applies to the listed accounts only inside the maintenance window; plans say when they could. */
export function maintenanceWindow(options: z.input<typeof schema>): Plugin {
  const { accounts, startHour, endHour } = parsePluginOptions('maintenanceWindow', schema, options);
  const open = (h: number) => (startHour <= endHour ? h >= startHour && h < endHour : h >= startHour || h < endHour);
  return {
    name: 'acme:maintenance-window',
    apply(engine) {
      engine.hooks.validate.tapPromise({ name: 'acme:maintenance-window', stage: STAGE.NORMAL }, async (ctx) => {
        if (!accounts.includes(ctx.deployment.account.key) || open(new Date().getUTCHours())) return;
        ctx.findings.push({
          ruleId: 'ACME-WINDOW-001',
          severity: 'high',
          level: ctx.run.mode === 'apply' ? 'deny' : 'warn',
          title: 'Outside the maintenance window',
          message: `${ctx.deployment.account.name} is applied only ${startHour}:00-${endHour}:00 UTC`,
          remediation: 'apply again inside the window; plans run at any time',
          source: 'acme:maintenance-window',
          file: ctx.deployment.file,
        });
      });
    },
  };
}
