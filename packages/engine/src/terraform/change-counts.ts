import type { ChangeCounts } from '../model.js';

/**
 * What a plan does to state alone, in words: `→2 moved +1 imported −1 forgotten` (only the
 * non-zero ones; '' when none). Shown beside `+add ~change -destroy` wherever counts are shown.
 */
export function stateChangesText(c: ChangeCounts): string {
  return [
    c.move ? `→${c.move} moved` : '',
    c.import ? `+${c.import} imported` : '',
    c.forget ? `−${c.forget} forgotten` : '',
  ]
    .filter(Boolean)
    .join(' ');
}
