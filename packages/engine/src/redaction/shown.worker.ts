import { MASK, redactText } from './redact.js';

export interface ShownTask {
  /** Each string of a value, as it is (not JSON-escaped). */
  texts: string[];
  /** Per text: the object key it is the value of, or null (array element, key, the value itself). */
  keys: Array<string | null>;
  sensitive: string[];
}

/** A value the rules mask when it follows a key, used to ask whether a key names a secret. */
const PROBE = 'tfo-shown-probe-4d1f0c';

/**
 * Worker: redacts the strings of one structured value, each on its own, so no escaping (JSON's
 * `\u001b` for a colour code, `\"` for a quote) ever stands between a secret and the rules. A
 * string that is the value of a key the rules treat as a secret's name (`"db_password": "..."`)
 * is masked whole: leaf by leaf, the key is not in the text the rules see.
 */
export default async function shown(task: ShownTask): Promise<string[]> {
  const secretKey = new Map<string, boolean>();
  // the probe must survive under a plain key, or it tells nothing about keys
  const probing = redactText(`"note": "${PROBE}"`).includes(PROBE);
  const isSecretKey = (key: string): boolean => {
    let known = secretKey.get(key);
    if (known === undefined) {
      known = probing && !redactText(`"${key}": "${PROBE}"`).includes(PROBE);
      secretKey.set(key, known);
    }
    return known;
  };
  return task.texts.map((text, i) => {
    const key = task.keys[i];
    if (key && text !== '' && isSecretKey(key)) return MASK;
    return redactText(text, { sensitive: task.sensitive });
  });
}
