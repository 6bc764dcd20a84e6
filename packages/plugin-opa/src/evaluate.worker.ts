import { readFile } from 'node:fs/promises';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';

export interface EvaluateTask {
  /** Compiled policy module (read once per worker, kept at module level). */
  wasmFile: string;
  /** Source hash of the module: a new hash loads anew. */
  hash: string;
  /** `data` for the policies (options, golden templates, account metadata), as JSON text. */
  data: string;
  /** The normalised policy input as UTF-8 JSON bytes, moved here rather than copied. */
  input: ArrayBuffer;
  /** Largest wasm memory in 64 KiB pages. */
  maxPages: number;
}

export interface RawFinding {
  id: string;
  resource?: string;
  message: string;
  unknown?: boolean;
  /** Set by a rule's advisory branch (`lib.advisory`): this finding belongs to `strict` whatever the rule's profile. */
  profile?: string;
}

export interface EvaluateResult {
  deny: RawFinding[];
  warn: RawFinding[];
  metadata: Record<
    string,
    { title?: string; severity?: string; cis?: string | null; remediation?: string; profile?: string }
  >;
  ms: number;
}

interface Loaded {
  key: string;
  policy: LoadedPolicy;
  metadata: EvaluateResult['metadata'];
}

/** One compiled module per worker thread, with its data loaded. */
let loaded: Loaded | undefined;

async function policyFor(task: EvaluateTask): Promise<Loaded> {
  const key = `${task.hash}:${task.maxPages}:${task.data}`;
  if (loaded?.key === key) return loaded;
  const policy = await loadPolicy(await readFile(task.wasmFile), { initial: 5, maximum: task.maxPages });
  policy.setData(JSON.parse(task.data) as object);
  const meta = policy.evaluate({}, 'tfo/main/metadata') as Array<{ result: EvaluateResult['metadata'] }>;
  loaded = { key, policy, metadata: meta[0]?.result ?? {} };
  return loaded;
}

/** Worker: evaluates the whole policy set on one plan. */
export default async function evaluate(task: EvaluateTask): Promise<EvaluateResult> {
  const { policy, metadata } = await policyFor(task);
  const started = performance.now();
  let out: Array<{ result: { deny: RawFinding[]; warn: RawFinding[] } }>;
  try {
    out = policy.evaluate(task.input, 'tfo/main/result') as typeof out;
  } catch (err) {
    // a failed grow leaves this instance unusable: load afresh next time
    loaded = undefined;
    const message =
      err instanceof RangeError ? `the plan does not fit in ${task.maxPages * 64} KiB of wasm memory` : String(err);
    throw new Error(message);
  }
  const result = out[0]?.result ?? { deny: [], warn: [] };
  return { deny: result.deny, warn: result.warn, metadata, ms: performance.now() - started };
}
