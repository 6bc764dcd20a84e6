import { parseTfvarsText, TfvarsSyntaxError, type TfvarsSyntaxIssue } from './tfvars-parse.js';

export interface TfvarsTask {
  file: string;
  text: string;
}

export interface TfvarsReply {
  /** The values as JSON text: one string crosses threads faster than the objects it holds. */
  json?: string;
  /** The first problem; the caller, which has the text, turns it into a coded error with line and column. */
  issue?: TfvarsSyntaxIssue;
}

/** Worker: parses one tfvars file (`tfvars-parse.ts`) off the main thread. */
export default async function parseTfvarsRaw(task: TfvarsTask): Promise<TfvarsReply> {
  try {
    return { json: JSON.stringify(parseTfvarsText(task.text)) };
  } catch (err) {
    if (err instanceof TfvarsSyntaxError) return { issue: err.issue };
    throw err;
  }
}
