import { TfoError, type Engine, type RunResult } from '@tfo/engine';

/**
 * The run's redacted view as the engine hands it over at the end of a run (`run:end`): what the
 * CLI prints (summary, `--json`). Listen before the run starts; `dispose` stops listening.
 */
export function captureShown(engine: Engine): { shown(): RunResult; dispose(): void } {
  let view: RunResult | undefined;
  const dispose = engine.events.on('run:end', (e) => (view = e.shown));
  return {
    shown() {
      if (!view) throw new TfoError('TFO_ERR_UNSETTLED', 'the run ended without its redacted view (no run:end event)');
      return view;
    },
    dispose,
  };
}

/** `--json` of a run: the view as result.json holds it, not redacted again. */
export { shownJson } from '@tfo/engine';
