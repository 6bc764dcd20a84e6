/** The report's inline stylesheet and script: the file loads nothing from anywhere. */

export const CSS = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1f2933;--dim:#616e7c;--line:#e4e7eb;--grid:#e9ecf0;
--ok:#15803d;--warn:#b45309;--bad:#dc2626;--block:#be123c;--info:#2563eb;--mute:#7b8794;
--lock:#a3acb9;--init:#7b8794;--plan:#3b82f6;--validate:#8b5cf6;--backup:#14b8a6;--apply:#22c55e;
--verify:#0ea5e9;--recover:#f59e0b;--audit:#cbd2d9;
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans","DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
body{margin:0;padding:24px 32px 48px;max-width:1600px}
h1{font-size:22px;margin:0}h2{font-size:17px;margin:0 0 12px}
h1 .run{font-weight:400;color:var(--dim);font-size:15px;margin-left:8px;font-family:ui-monospace,"DejaVu Sans Mono",monospace}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:16px 0}
small,.dim{color:var(--dim)}
code,.mono,pre{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,monospace;font-size:12.5px}
a{color:inherit}
header.top{display:flex;justify-content:space-between;align-items:flex-start;gap:24px}
header .meta{color:var(--dim);margin-top:4px}
.exit{font-weight:600;padding:6px 14px;border-radius:999px;color:#fff;white-space:nowrap;background:var(--ok)}
.exit.x1{background:var(--bad)}.exit.x2{background:var(--block)}.exit.x3,.exit.x130{background:var(--warn)}
.cards{display:flex;flex-wrap:wrap;gap:10px;background:none;border:0;padding:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:96px}
.card b{display:block;font-size:22px;line-height:1.2}.card span{color:var(--dim);font-size:12.5px}
.card.st-failed b,.card.st-blocked b{color:var(--bad)}.card.st-recovered b{color:var(--warn)}.card.st-applied b{color:var(--ok)}
.card.zero{opacity:.45}
.problems{border-left:4px solid var(--bad)}.problems ul{margin:0;padding-left:18px}
.st{white-space:nowrap;font-weight:600}
.st-applied{color:var(--ok)}.st-planned{color:var(--info)}.st-no-changes,.st-skipped,.st-cancelled{color:var(--mute)}
.st-failed{color:var(--bad)}.st-blocked{color:var(--block)}.st-recovered{color:var(--warn)}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:0 0 10px;color:var(--dim);font-size:12.5px}
.legend span{display:inline-flex;align-items:center;gap:5px}
.sw{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:-2px;margin-right:4px}
.s-lock{background:var(--lock)}.s-init{background:var(--init)}.s-plan{background:var(--plan)}.s-validate{background:var(--validate)}
.s-backup{background:var(--backup)}.s-apply{background:var(--apply)}.s-verify{background:var(--verify)}.s-recover{background:var(--recover)}.s-audit{background:var(--audit)}
.bad{background-image:repeating-linear-gradient(135deg,var(--bad) 0 4px,#fff3 4px 7px)!important;background-color:var(--bad)!important}
.gantt{display:grid;grid-template-columns:120px 1fr;row-gap:6px}
.axis-row,.lane{display:contents}
.lane-name{font-weight:600;padding:3px 10px 0 0;white-space:nowrap;font-size:13px;line-height:1.25}
.lane-name small{display:block;font-weight:400;font-size:11.5px}
.axis{position:relative;height:20px;border-bottom:1px solid var(--line)}
.tick{position:absolute;bottom:3px;transform:translateX(-50%);font-size:11.5px;color:var(--dim);white-space:nowrap}
.tick:first-child{transform:none}
.track{position:relative;height:44px;background-color:#fafbfc;border-radius:4px;
background-image:linear-gradient(to right,var(--grid) 1px,transparent 1px);background-repeat:repeat-x}
.bar{position:absolute;top:5px;height:34px;min-width:3px;border-radius:4px;text-decoration:none;color:#fff;
box-shadow:0 0 0 1px #fff;overflow:visible}
.bar:hover,.bar:focus{z-index:5;box-shadow:0 0 0 2px var(--ink)}
.segs{position:absolute;inset:0;border-radius:4px;overflow:hidden;background:var(--init)}
.seg{position:absolute;top:0;bottom:0;min-width:1px}
.bar.st-failed{box-shadow:0 0 0 2px var(--bad)}.bar.st-blocked{box-shadow:0 0 0 2px var(--block)}
.bar.st-recovered{box-shadow:0 0 0 2px var(--warn)}
.bar.st-cancelled .segs,.bar.st-skipped .segs{opacity:.55}
.lbl{position:absolute;left:6px;right:4px;top:3px;font-size:12px;font-weight:600;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis;text-shadow:0 1px 2px #0009;line-height:15px}
.lbl small{display:block;color:#fffd;font-weight:400;font-size:10.5px;overflow:hidden;text-overflow:ellipsis}
.lbl .mk{margin-right:4px}
.tip{display:none;position:absolute;top:40px;left:0;z-index:10;min-width:260px;max-width:420px;background:var(--ink);color:#fff;
padding:8px 10px;border-radius:6px;font-size:12px;line-height:1.5;box-shadow:0 4px 14px #0004;white-space:normal;text-shadow:none}
.tip-left .tip{left:auto;right:0}
.tip b{display:block;word-break:break-all}.tip .st{margin-right:4px}
.tip .st-no-changes,.tip .st-skipped,.tip .st-cancelled{color:#cbd2d9}.tip .st-failed,.tip .st-blocked{color:#fca5a5}
.tip .st-applied{color:#86efac}.tip .st-recovered{color:#fcd34d}.tip .st-planned{color:#93c5fd}
.tip ul{margin:4px 0 0;padding:0;list-style:none}.tip-err{margin:4px 0 0;color:#fca5a5}
.bar:hover .tip,.bar:focus .tip{display:block}
.not-run{color:var(--dim);margin:10px 0 0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--dim);font-weight:600}
td{overflow-wrap:break-word}td.rule,td .st{white-space:nowrap}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr:hover td{background:#f8fafc}
.sev{display:inline-block;white-space:nowrap;padding:1px 8px;border-radius:999px;font-size:11.5px;font-weight:700;text-transform:uppercase;color:#fff}
.sev-critical{background:#7f1d1d}.sev-high{background:var(--bad)}.sev-medium{background:var(--warn)}.sev-low{background:var(--info)}.sev-info{background:var(--mute)}
.lvl-deny{color:var(--bad);font-weight:600}.lvl-warn{color:var(--warn);font-weight:600}.waived{color:var(--dim);font-style:italic}
.filter{display:flex;gap:14px;align-items:center;margin:0 0 10px;border:0;padding:0}
.filter label{display:inline-flex;gap:5px;align-items:center;cursor:pointer}
tr[hidden],.filter[hidden]{display:none}
details{border:1px solid var(--line);border-radius:6px;margin:6px 0}
details>summary{cursor:pointer;padding:7px 10px;display:flex;gap:10px;align-items:baseline}
details>summary .key{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px}
details[open]>summary{border-bottom:1px solid var(--line)}
pre{margin:0;padding:10px 12px;max-height:480px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;background:#fbfcfd}
.note{color:var(--warn)}
footer{color:var(--dim);font-size:12.5px;margin-top:24px}
`;

/** Severity filter of the findings table and opening a log when its link is followed. */
export const SCRIPT = `(() => {
  const boxes = [...document.querySelectorAll('input[data-sev]')];
  const rows = [...document.querySelectorAll('tr[data-sev]')];
  const count = document.getElementById('findings-shown');
  const apply = () => {
    const on = new Set(boxes.filter((b) => b.checked).map((b) => b.dataset.sev));
    let shown = 0;
    for (const r of rows) {
      r.hidden = !on.has(r.dataset.sev);
      if (!r.hidden) shown++;
    }
    if (count) count.textContent = shown + ' of ' + rows.length + ' shown';
  };
  for (const b of boxes) b.addEventListener('change', apply);
  const filter = document.getElementById('severity-filter');
  if (filter) filter.hidden = false;
  apply();
  const openTarget = () => {
    const el = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (el && el.tagName === 'DETAILS') el.open = true;
  };
  addEventListener('hashchange', openTarget);
  openTarget();
  document.documentElement.dataset.js = 'ready';
})();`;
