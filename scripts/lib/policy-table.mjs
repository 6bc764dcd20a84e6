// The markdown table of rules per service and profile (scripts/policy-table.mjs), from the rules'
// metadata: id -> { profile, cis, ... }. A rule without a profile counts as baseline.

/** `TFO-VPC-001` → ['vpc', '001']. */
function split(id) {
  const m = /^TFO-([A-Z0-9]+)-(\d+)$/.exec(id);
  return m ? [m[1].toLowerCase(), m[2]] : ['other', id];
}

/** Rule numbers as a short list: 001-004, 007. */
function numbers(list) {
  const out = [];
  for (let i = 0; i < list.length; ) {
    let j = i;
    while (j + 1 < list.length && Number(list[j + 1]) === Number(list[j]) + 1) j++;
    out.push(j - i >= 2 ? `${list[i]}–${list[j]}` : list.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return out.join(', ') || '–';
}

/** The table, one row per service (sorted), then the totals. */
export function table(meta) {
  const services = new Map();
  for (const id of Object.keys(meta).sort()) {
    const [svc, n] = split(id);
    const s = services.get(svc) ?? { baseline: [], strict: [], cis: [] };
    (meta[id].profile === 'strict' ? s.strict : s.baseline).push(n);
    if (meta[id].cis) s.cis.push(`${n}: ${meta[id].cis}`);
    services.set(svc, s);
  }
  const rows = [
    '| Service | Rules | Baseline | Strict adds | CIS controls (rule: control) |',
    '| ------- | ----: | -------- | ----------- | ---------------------------- |',
  ];
  let base = 0;
  let strict = 0;
  for (const [svc, s] of [...services].sort(([a], [b]) => a.localeCompare(b))) {
    base += s.baseline.length;
    strict += s.strict.length;
    const count = s.baseline.length + s.strict.length;
    rows.push(
      `| ${svc} | ${count} | ${s.baseline.length}: ${numbers(s.baseline)} | ${s.strict.length}: ${numbers(s.strict)} | ${s.cis.join(', ') || '–'} |`,
    );
  }
  rows.push(`| **all** | ${base + strict} | ${base} | ${strict} | |`);
  return rows.join('\n');
}
