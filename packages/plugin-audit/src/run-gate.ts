import { PluginError, TfoError, type ErrorCode, type RunInfo } from '@tfo/engine';
import type { ChainAnchoring } from './chain-anchoring.js';
import { FileSink, type AuditSink, type ChainHead } from './file-sink.js';

/**
 * The audit plugin's refusal to start a run: an error of its `prepare` tap (the engine passes a
 * PluginError through as it is), coded TFO_ERR_AUDIT so the user sees what to fix.
 */
export class AuditGateError extends PluginError {
  override readonly code: ErrorCode = 'TFO_ERR_AUDIT';

  constructor(message: string) {
    super('audit', 'prepare', new TfoError('TFO_ERR_AUDIT', message));
    this.name = 'AuditGateError';
  }
}

/**
 * Fail-closed check before a run starts any deployment. Every sink must be able to store the
 * run's records now: each file sink's chain tail holds against its HEAD and the folder is
 * writable; every sink with a `probe` (S3, DynamoDB, an organisation's own) writes its probe; the
 * file chain's tail holds against every anchor, and the anchors are moved up to it.
 * Throws TFO_ERR_AUDIT naming each sink that cannot, and why.
 */
export async function checkBeforeRun(
  run: RunInfo,
  sinks: readonly AuditSink[],
  anchoring: ChainAnchoring | undefined,
  notice: (message: string) => void,
  timeoutMs = 30_000,
): Promise<void> {
  // a sink that accepts and never answers must not hold the run: every call is aborted at the deadline
  const signal = AbortSignal.timeout(timeoutMs);
  const reason = (err: unknown): string =>
    signal.aborted ? `did not answer within ${timeoutMs / 1000} s` : err instanceof Error ? err.message : String(err);
  const problems: string[] = [];
  const failed = new Set<string>();
  const tails = new Map<FileSink, ChainHead>();
  await Promise.all(
    sinks.map(async (sink) => {
      try {
        if (sink instanceof FileSink) tails.set(sink, await sink.probe());
        else await sink.probe?.(signal);
      } catch (err) {
        failed.add(sink.name);
        problems.push(`sink ${sink.name}: ${reason(err)}`);
      }
    }),
  );
  const tail = anchoring && tails.get(anchoring.file);
  if (anchoring && tail) {
    await Promise.all(
      anchoring.stores
        .filter((store) => !failed.has(store.name)) // one cause per sink is enough
        .map(async (store) => {
          try {
            const { problem, note } = await anchoring.check(store, tail, signal);
            if (problem) problems.push(`sink ${store.name}: anchor ${store.anchorLocation}: ${problem}`);
            if (note) notice(note);
          } catch (err) {
            problems.push(`sink ${store.name}: ${reason(err)}`);
          }
        }),
    );
  }
  if (problems.length === 0) return;
  throw new AuditGateError(
    `this ${run.mode} run cannot be audited, so it starts nothing (no lock, no state, no terraform): ${problems.sort().join('; ')}. Fix the sink named, run \`tfo audit verify\`, or set audit({ failClosed: false }) to run and report the sink failures afterwards`,
  );
}
