/**
 * The matrix page's inline style and script. The script builds the evidence dialog from the page's
 * embedded JSON with text nodes only (never innerHTML): what it shows comes from the server under test.
 */

/** Column widths in px: the grid keeps every provider column readable and scrolls sideways beyond that. */
export const CHECK_COLUMN = 300;
export const LEVEL_COLUMN = 72;
export const PROVIDER_COLUMN = 190;

export const PAGE_STYLE = `
:root { --pass:#1a7f37; --pass-bg:#dafbe1; --fail:#cf222e; --fail-bg:#ffebe9; --skip:#9a6700; --skip-bg:#fff8c5; --broken:#57606a; --broken-bg:#eaeef2; --breach:#8250df; --breach-bg:#fbefff; --unexpected:#bc4c00; --unexpected-bg:#fff1e5;
  --line:#d0d7de; --muted:#57606a; --head:#f6f8fa; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:#1f2328; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; padding: 20px 24px 32px; font-size: 14px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 6px; }
.run { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 0 0 14px; }
.muted { color: var(--muted); }
.chip { border-radius: 999px; padding: 2px 10px; font-weight: 600; font-size: 13px; }
.chip.pass { background: var(--pass-bg); color: var(--pass); }
.chip.fail { background: var(--fail-bg); color: var(--fail); }
.chip.skip { background: var(--skip-bg); color: var(--skip); }
.chip.broken { background: var(--broken-bg); color: var(--broken); }
.chip.known-breach { background: var(--breach-bg); color: var(--breach); } .chip.unexpected-pass { background: var(--unexpected-bg); color: var(--unexpected); }
.filters { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; padding: 10px 12px; background: var(--head);
  border: 1px solid var(--line); border-radius: 8px; margin-bottom: 14px; }
.filters label { display: flex; gap: 6px; align-items: center; font-weight: 600; }
.filters select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; background: #fff; max-width: 240px; }
.problems .problem { border: 1px solid var(--fail); background: var(--fail-bg); border-radius: 8px; padding: 8px 12px; margin-bottom: 12px; }
.problems pre { white-space: pre-wrap; margin: 6px 0 0; }
.problems .problem.broken { border-color: var(--broken); background: var(--broken-bg); }
.causes .cause { border-left: 4px solid var(--fail); padding: 6px 12px; margin-bottom: 10px; }
.causes code { margin-right: 6px; }
main { overflow: auto; max-height: calc(100vh - 40px); border: 1px solid var(--line); border-radius: 8px; }
table.matrix { border-collapse: separate; border-spacing: 0; width: 100%; table-layout: fixed; }
.matrix th, .matrix td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
.matrix thead th { position: sticky; top: 0; background: var(--head); z-index: 2; border-bottom: 2px solid var(--line); }
.matrix th.check-name { position: sticky; left: 0; background: #fff; z-index: 1; font-weight: normal; }
.matrix thead th.check-name { width: ${CHECK_COLUMN}px; }
.matrix thead th.level-td { width: ${LEVEL_COLUMN}px; }
td.cell-td { vertical-align: middle; }
.matrix thead th.check-name { z-index: 3; background: var(--head); font-weight: 600; }
.check-name code { font-weight: 600; font-size: 13px; }
.summary { color: var(--muted); font-size: 12px; margin-top: 2px; line-height: 1.35; }
.family-row th { background: #eef1f4; font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); padding: 4px 8px; position: sticky; left: 0; }
.level { font-size: 11px; font-weight: 700; border-radius: 4px; padding: 1px 6px; border: 1px solid; }
.level.must { color: #8250df; border-color: #c8b3f5; }
.level.should { color: #0969da; border-color: #a8c8f0; }
.provider { overflow: hidden; }
.pname { font-weight: 700; }
.pid, .doc, .target { display: block; font-size: 12px; color: var(--muted); font-weight: normal; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
a.doc { color: #0969da; }
.ptotals { display: flex; gap: 4px; margin-top: 4px; }
.n { font-size: 11px; font-weight: 700; border-radius: 4px; padding: 0 5px; }
.n.pass { background: var(--pass-bg); color: var(--pass); } .n.fail { background: var(--fail-bg); color: var(--fail); } .n.skip { background: var(--skip-bg); color: var(--skip); } .n.broken { background: var(--broken-bg); color: var(--broken); } .n.known-breach { background: var(--breach-bg); color: var(--breach); } .n.unexpected-pass { background: var(--unexpected-bg); color: var(--unexpected); }
button.cell { display: block; width: 100%; text-align: left; font: inherit; cursor: pointer; border: 1px solid transparent; border-radius: 6px; padding: 4px 8px; }
button.cell:hover, button.cell:focus-visible { outline: 2px solid #0969da; outline-offset: 1px; }
button.cell.pass { background: var(--pass-bg); color: var(--pass); }
button.cell.fail { background: var(--fail-bg); color: var(--fail); border-color: #ff818266; }
button.cell.skip { background: var(--skip-bg); color: var(--skip); }
button.cell.broken { background: var(--broken-bg); color: var(--broken); }
button.cell.known-breach { background: var(--breach-bg); color: var(--breach); }
button.cell.unexpected-pass { background: var(--unexpected-bg); color: var(--unexpected); }
.verdict { font-weight: 700; white-space: nowrap; }
.note { display: block; font-size: 11.5px; color: #1f2328; opacity: .8; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
td .na { color: #8c959f; display: block; text-align: center; }
.legend .na { color: #8c959f; font-weight: 700; }
.empty { padding: 16px; }
.legend { margin-top: 12px; font-size: 12.5px; line-height: 1.9; }
.cell-demo { border-radius: 4px; padding: 1px 6px; font-weight: 700; }
.cell-demo.pass { background: var(--pass-bg); color: var(--pass); } .cell-demo.fail { background: var(--fail-bg); color: var(--fail); } .cell-demo.skip { background: var(--skip-bg); color: var(--skip); } .cell-demo.broken { background: var(--broken-bg); color: var(--broken); } .cell-demo.known-breach { background: var(--breach-bg); color: var(--breach); } .cell-demo.unexpected-pass { background: var(--unexpected-bg); color: var(--unexpected); }
dialog { width: min(980px, 94vw); max-height: 88vh; border: 1px solid var(--line); border-radius: 10px; padding: 0; box-shadow: 0 12px 40px #0003; }
dialog::backdrop { background: #1f232866; }
.dialog-head { display: flex; justify-content: space-between; align-items: center; gap: 12px; padding: 12px 16px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: #fff; }
.dialog-head h2 { font-size: 16px; margin: 0; }
#evidence-close { font: inherit; border: 1px solid var(--line); background: var(--head); border-radius: 6px; cursor: pointer; padding: 2px 10px; }
#evidence-body { padding: 8px 16px 16px; }
#evidence-body h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 14px 0 6px; }
#evidence-body blockquote { margin: 0; padding: 6px 12px; border-left: 3px solid #8250df; background: #f6f2ff; }
#evidence-body pre { background: var(--head); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; white-space: pre-wrap; word-break: break-word; font-size: 12px; margin: 4px 0; }
.verdict-line { font-weight: 700; }
.verdict-line.pass { color: var(--pass); } .verdict-line.fail { color: var(--fail); } .verdict-line.skip { color: var(--skip); } .verdict-line.broken { color: var(--broken); } .verdict-line.known-breach { color: var(--breach); } .verdict-line.unexpected-pass { color: var(--unexpected); }
details.exchange { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; }
details.exchange > summary { cursor: pointer; padding: 6px 10px; font-size: 12.5px; }
details.exchange > div { padding: 0 10px 8px; }
.status { font-weight: 700; }
`;

/** Plain browser script: filters, and the evidence dialog built from the embedded data. */
export const PAGE_SCRIPT = `
(() => {
  const data = JSON.parse(document.getElementById('matrix-data').textContent);
  const $ = (s, r = document) => r.querySelector(s);
  const $$ = (s, r = document) => Array.from(r.querySelectorAll(s));
  const f = { provider: $('#filter-provider'), family: $('#filter-family'), level: $('#filter-level'), verdict: $('#filter-verdict') };

  function apply() {
    const p = f.provider.value, fam = f.family.value, lvl = f.level.value, v = f.verdict.value;
    $$('[data-provider]').forEach((el) => { el.hidden = !!p && el.dataset.provider !== p; });
    let shown = 0;
    $$('tbody.family').forEach((tb) => {
      let any = false;
      $$('tr.check', tb).forEach((tr) => {
        let ok = (!fam || tr.dataset.family === fam) && (!lvl || tr.dataset.level === lvl);
        if (ok && v) ok = $$('td[data-provider]', tr).some((td) => !td.hidden && td.dataset.verdict === v);
        tr.hidden = !ok;
        if (ok) { any = true; shown++; }
      });
      tb.hidden = !any;
    });
    $('#shown').textContent = shown + ' of ' + $$('tr.check').length + ' checks shown';
    const columns = $$('thead th.provider').filter((th) => !th.hidden).length;
    $('table.matrix').style.minWidth = (${CHECK_COLUMN} + ${LEVEL_COLUMN} + columns * ${PROVIDER_COLUMN}) + 'px';
    $('#empty').hidden = shown > 0;
  }
  Object.values(f).forEach((s) => s.addEventListener('change', apply));

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k === 'open') e.open = !!v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  const headers = (h) => Object.entries(h || {}).map(([k, v]) => k + ': ' + v).join('\\n');

  function exchange(x, open) {
    // Neutral on purpose: whether a status is right depends on the probe (a 401 is what a forged token should get).
    const status = el('span', { class: 'status' }, x.response ? String(x.response.status) : 'no response');
    const d = el('details', { class: 'exchange', open },
      el('summary', {}, '#' + x.seq + ' ' + x.purpose + ' — ' + x.request.method + ' ' + x.request.url + ' → ', status, ' (' + x.durationMs + ' ms)'));
    const box = el('div', {});
    box.append(el('h3', {}, 'Request'), el('pre', {}, x.request.method + ' ' + x.request.url + '\\n' + headers(x.request.headers) + (x.request.body !== undefined ? '\\n\\n' + x.request.body : '')));
    if (x.response) box.append(el('h3', {}, 'Response'), el('pre', {}, x.response.status + '\\n' + headers(x.response.headers) + '\\n\\n' + (x.response.body === '' ? '(empty body)' : x.response.body) + (x.response.truncated ? '\\n(body cut at the recorder\\'s cap)' : '')));
    if (x.error) box.append(el('h3', {}, 'Error'), el('pre', {}, x.error));
    if (x.curl) box.append(el('h3', {}, 'Reproduce (secrets redacted)'), el('pre', {}, x.curl));
    d.append(box);
    return d;
  }

  const dialog = $('#evidence');
  function openCell(key) {
    const c = data.cells[key];
    if (!c) return;
    $('#evidence-title').textContent = c.providerName + ' · ' + c.check + ' (' + c.level + ')';
    const body = $('#evidence-body');
    body.replaceChildren();
    const words = { pass: 'passed', fail: 'failed', skip: 'skipped', broken: 'not judged (broken)', 'known-breach': 'failed: a known breach of this server (expected)', 'unexpected-pass': 'passed, though a known breach of this server: remove it from the known breaches' };
    body.append(el('p', { class: 'verdict-line ' + c.verdict }, (words[c.verdict] || c.verdict) + (c.outcome !== 'passed' && c.outcome !== 'failed' && c.outcome !== 'skipped' ? ' (' + c.outcome + ')' : '') + ' · ' + c.durationMs + ' ms' + (c.sleptSeconds ? ' · slept ' + c.sleptSeconds + ' s' : '')));
    body.append(el('p', {}, c.summary));
    body.append(el('h3', {}, 'Rule'), el('blockquote', {}, c.rule || '(no rule recorded)'));
    if (c.links.length) {
      const p = el('p', {});
      c.links.forEach((l, i) => { if (i) p.append(' · '); p.append(el('a', { href: l.url, target: '_blank', rel: 'noopener noreferrer' }, l.name)); });
      body.append(p);
    }
    if (c.knownBreach) body.append(el('h3', {}, 'Known breach'), el('pre', { class: 'reason' }, c.knownBreach));
    if (c.message) body.append(el('h3', {}, 'Why it failed'), el('pre', { class: 'message' }, c.message));
    if (c.reason) body.append(el('h3', {}, c.verdict === 'broken' ? 'Why it was not judged' : 'Why it was skipped'), el('pre', { class: 'reason' }, c.reason));
    if (c.observed) body.append(el('h3', {}, 'Observed'), el('pre', {}, c.observed));
    body.append(el('h3', {}, 'Exchanges (' + c.exchangeCount + ', secrets redacted)'));
    if (!c.exchanges.length) body.append(el('p', { class: 'muted' }, 'No exchange was recorded.'));
    c.exchanges.forEach((x, i) => body.append(exchange(x, (c.verdict === 'fail' || c.verdict === 'known-breach') && i === c.exchanges.length - 1)));
    if (c.evidence) body.append(el('p', {}, 'Full evidence: ', el('a', { href: c.evidence }, c.evidence)));
    if (!dialog.open) dialog.showModal();
    history.replaceState(null, '', '#' + encodeURIComponent(key));
  }
  $$('button.cell').forEach((b) => b.addEventListener('click', () => openCell(b.dataset.key)));
  $('#evidence-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
  dialog.addEventListener('close', () => history.replaceState(null, '', location.pathname + location.search));
  apply();
  if (location.hash.length > 1) openCell(decodeURIComponent(location.hash.slice(1)));
})();
`;
