import { listDeployments, redactText, redactValue } from '@tfo/engine';
import type { Command } from 'commander';
import { openEngine } from '../engine-context.js';
import type { GlobalOptions } from '../main.js';
import { collect } from '../options.js';

/** `tfo list`: what would run, with state keys; runs no terraform. */
export function registerListCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command('list')
    .description('list the deployments a run would touch, with their state keys')
    .option('--changed-from <ref>', 'only tfvars changed since this git ref')
    .option('--only <glob>', 'only deployments whose tfvars path matches (repeatable)', collect)
    .action(async (flags: { changedFrom?: string; only?: string[] }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const engine = await openEngine(globals);
      try {
        const { deployments, run } = await listDeployments(engine, flags);
        if (globals.json) {
          const rows = deployments.map((d) => ({
            file: d.file,
            key: d.key,
            account: d.account.name,
            region: d.region,
            project: d.project,
            services: d.services,
            rootModule: d.rootModule,
          }));
          const shown = await redactValue(engine, { deployments: rows, deleted: run.deleted });
          process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
        } else {
          // redacted before the columns are padded
          const shown = deployments.map((d) => ({ file: redactText(d.file), key: redactText(d.key) }));
          const width = Math.max(4, ...shown.map((d) => d.file.length));
          process.stdout.write(`${'FILE'.padEnd(width)}  STATE KEY\n`);
          for (const d of shown) process.stdout.write(`${d.file.padEnd(width)}  ${d.key}\n`);
          for (const del of run.deleted) process.stdout.write(`${redactText(`deleted: ${del.file}: ${del.reason}`)}\n`);
          process.stdout.write(`${deployments.length} deployment(s)\n`);
        }
        setCode(0);
      } finally {
        await engine.close();
      }
    });
}
