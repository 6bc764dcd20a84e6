import { redactText } from './redact.js';

export interface RedactTask {
  /** UTF-8 text, moved (transferred) rather than copied. */
  text: ArrayBuffer;
  sensitive: string[];
  skip?: string[];
}

/** Worker: redacts one text. Imports no engine code beyond the pure redaction module. */
export default async function redact(task: RedactTask): Promise<string> {
  const text = Buffer.from(task.text).toString('utf8');
  return redactText(text, { sensitive: task.sensitive, skip: task.skip });
}
