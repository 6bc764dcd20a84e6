import { parse } from '@cdktf/hcl2json';

export interface TfvarsTask {
  file: string;
  text: string;
}

export interface TfvarsReply {
  value?: Record<string, unknown>;
  error?: string;
}

/**
 * Worker: hcl2json's parse (its wasm instance lives as long as the thread). Errors come back as
 * text: the caller turns them into coded errors naming file and line.
 */
export default async function parseTfvarsRaw(task: TfvarsTask): Promise<TfvarsReply> {
  try {
    return { value: (await parse(task.file, task.text)) as Record<string, unknown> };
  } catch (err) {
    return { error: String((err as Error)?.message ?? err) };
  }
}
