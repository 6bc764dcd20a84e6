// The `audit` capability audit() provides (how `tfo state restore` records its action) and the
// `tfo audit` command it contributes.
import { configSchema, resolveSettings } from '@tfo/engine/testing';
import { Engine, type AuditCapability } from '@tfo/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { audit, auditDir, fileSink, queryFile, type AuditSink } from '../src/index.js';
import { engineRecord, removeTempDirs, tempDir } from './support.js';

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await removeTempDirs();
});

const failing: AuditSink = {
  name: 'vault',
  write: async () => {
    throw new Error('bucket is gone');
  },
};

async function engineWith(options: Parameters<typeof audit>[0]): Promise<Engine> {
  const config = configSchema.parse({ rootModule: '.', accounts: { dev: { name: 'acme-dev', id: '111111111111' } } });
  const engine = new Engine(resolveSettings(config, await tempDir()), [audit(options)]);
  engines.push(engine);
  return engine;
}

describe('audit() provides audit', () => {
  it('record writes to every sink and answers with the failures by onSinkFailure', async () => {
    const engine = await engineWith({ sinks: [fileSink(), failing] });
    const capability: AuditCapability = engine.require('audit', 'add audit()');
    const record = engineRecord({ action: 'restore', outcome: 'applied', output: 'restored a backup\n' });
    const written = await capability.record(record);
    expect(written.recorded).toBe(true);
    expect(written.problems).toEqual([
      expect.stringMatching(/^audit sink vault failed for 1 record\(s\): bucket is gone/),
    ]);
    expect(written.warnings).toEqual([]);
    expect((await queryFile(auditDir(engine))).map((r) => [r.action, r.runId])).toEqual([['restore', record.runId]]);
    // with onSinkFailure 'warn' a failed sink is a warning, not a problem
    const quiet = await engineWith({ sinks: [fileSink(), failing], onSinkFailure: 'warn' });
    const warned = await quiet.require('audit', 'add audit()').record(engineRecord());
    expect(warned.problems).toEqual([]);
    expect(warned.warnings).toHaveLength(1);
    expect(engine.commands.map((c) => [c.plugin, c.spec.name])).toEqual([['audit', 'audit']]);
  });
});
