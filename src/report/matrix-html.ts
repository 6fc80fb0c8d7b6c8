/**
 * The conformance matrix as one static HTML page: a provider × check grid with filters (provider,
 * family, level, verdict) and, behind every cell, its evidence — the rule, the failure message or skip
 * reason, and the recorded exchanges (already redacted). Self-contained: inline style and script, data
 * embedded as JSON, and a Content-Security-Policy that forbids every network request, so the page can
 * be published as a CI artifact and opened from disk.
 *
 * Everything shown comes from the server under test, so the grid is escaped here and the evidence
 * dialog is built with DOM text nodes (never innerHTML).
 */
import type { Exchange } from '../http/exchange.js';
import { toCurl } from '../http/exchange.js';
import { rfcLinks, type ClauseLink } from './clause-links.js';
import { cellOf, type ConformanceReport, type ProviderEntry, type ResultEntry } from './conformance.js';
import { CHECK_COLUMN, LEVEL_COLUMN, PAGE_SCRIPT, PAGE_STYLE, PROVIDER_COLUMN } from './matrix-page-assets.js';

/** Longest body shown in the page; the evidence file keeps the whole exchange. */
const MAX_BODY = 4000;
function tableMinWidth(providers: number): number {
  return CHECK_COLUMN + LEVEL_COLUMN + providers * PROVIDER_COLUMN;
}

/** `2026-01-31T09:15:42.123Z` → `2026-01-31 09:15 UTC`. */
function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

export type EvidenceLookup = (provider: string, check: string) => readonly Exchange[] | undefined;

interface ShownExchange {
  readonly seq: number;
  readonly purpose: string;
  readonly request: { method: string; url: string; headers: Record<string, string>; body?: string };
  readonly response?: { status: number; headers: Record<string, string>; body: string; truncated: boolean };
  readonly error?: string;
  readonly durationMs: number;
  readonly curl?: string;
}

interface CellData {
  readonly provider: string;
  readonly providerName: string;
  readonly check: string;
  readonly summary: string;
  readonly level: string;
  readonly verdict: string;
  readonly outcome: string;
  readonly rule: string;
  readonly links: readonly ClauseLink[];
  readonly message?: string;
  readonly reason?: string;
  readonly knownBreach?: string;
  readonly observed?: string;
  readonly durationMs: number;
  readonly sleptSeconds?: number;
  readonly evidence?: string;
  readonly exchangeCount: number;
  readonly exchanges: readonly ShownExchange[];
}

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element whatever the strings hold. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function clip(text: string): string {
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}\n… ${text.length - MAX_BODY} more characters; the evidence file holds the whole body.` : text;
}

function shownExchange(e: Exchange): ShownExchange {
  const body = e.request.body;
  return {
    seq: e.seq,
    purpose: e.purpose,
    request: { method: e.request.method, url: e.request.url, headers: { ...e.request.headers }, ...(body !== undefined ? { body: clip(body) } : {}) },
    ...(e.response ? { response: { status: e.response.status, headers: { ...e.response.headers }, body: clip(e.response.body), truncated: e.response.truncated } } : {}),
    ...(e.error ? { error: e.error } : {}),
    durationMs: e.durationMs,
    ...(body === undefined || body.length <= MAX_BODY ? { curl: toCurl(e) } : {}),
  };
}

function cellKey(provider: string, check: string): string {
  return `${provider} ${check}`;
}

const VERDICT_TEXT = { pass: '✓ pass', fail: '✗ fail', skip: '– skip', broken: '⚠ broken', 'known-breach': '◆ known breach', 'unexpected-pass': '! unexpected pass' } as const;

function firstLine(text: string | undefined, max = 90): string {
  const line = (text ?? '').split('\n').find((l) => l.trim()) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The short phrase under a cell's verdict: what broke, or why it could not be observed. */
function cellNote(r: ResultEntry): string {
  if (r.verdict === 'fail') {
    const got = /^\s*got:\s*(.*)$/m.exec(r.message ?? '')?.[1];
    return firstLine(got ? `got ${got}` : r.message, 70);
  }
  if (r.verdict === 'skip' || r.verdict === 'broken') return firstLine(r.reason, 70);
  if (r.verdict === 'known-breach') return firstLine(r.knownBreach, 70);
  if (r.verdict === 'unexpected-pass') return firstLine(`expected to fail: ${r.knownBreach ?? 'a known breach'}`, 70);
  return '';
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

function providerHeader(p: ProviderEntry): string {
  const doc = p.document
    ? p.document.url
      ? `<a class="doc" href="${esc(p.document.url)}" target="_blank" rel="noopener noreferrer">${esc(p.document.title)}</a>`
      : `<span class="doc">${esc(p.document.title)}</span>`
    : '';
  const target = p.target ? `<span class="target" title="${esc(p.target.baseUrl)}">${esc(p.target.kind)} · ${esc(hostOf(p.target.baseUrl))}</span>` : '';
  const t = p.totals;
  return `<th scope="col" class="provider" data-provider="${esc(p.id)}">
      <div class="pname">${esc(p.name)}</div>
      <div class="pid"><code>${esc(p.id)}</code></div>
      ${target}
      ${doc}
      <div class="ptotals"><span class="n pass" title="${t.pass} passed">${t.pass}</span><span class="n fail" title="${t.fail} failed">${t.fail}</span><span class="n skip" title="${t.skip} skipped">${t.skip}</span>${t.broken ? `<span class="n broken" title="${t.broken} not judged (broken)">${t.broken}</span>` : ''}${t.knownBreach ? `<span class="n known-breach" title="${t.knownBreach} known breaches (expected failures)">${t.knownBreach}</span>` : ''}${t.unexpectedPass ? `<span class="n unexpected-pass" title="${t.unexpectedPass} known breaches that passed">${t.unexpectedPass}</span>` : ''}</div>
    </th>`;
}

function gridCell(report: ConformanceReport, p: ProviderEntry, checkId: string): string {
  const r = cellOf(report, p.id, checkId);
  if (!r) {
    return `<td class="cell-td" data-provider="${esc(p.id)}" data-verdict="na"><span class="na" title="${esc(p.name)}'s contract does not state this rule: the check is not generated">—</span></td>`;
  }
  const note = cellNote(r);
  const label = `${p.id} · ${checkId}: ${r.verdict}${note ? ` — ${note}` : ''}`;
  return `<td class="cell-td" data-provider="${esc(p.id)}" data-verdict="${r.verdict}">
        <button type="button" class="cell ${r.verdict}" data-key="${esc(cellKey(p.id, checkId))}" title="${esc(label)}" aria-label="${esc(label)}">
          <span class="verdict">${VERDICT_TEXT[r.verdict]}</span>${note ? `<span class="note">${esc(note)}</span>` : ''}
        </button>
      </td>`;
}

export function matrixHtml(report: ConformanceReport, evidence: EvidenceLookup): string {
  const providers = report.providers;
  const families = [...new Set(report.checks.map((c) => c.family))];
  const cells: Record<string, CellData> = {};
  for (const r of report.results) {
    const p = providers.find((x) => x.id === r.provider);
    const c = report.checks.find((x) => x.id === r.check);
    cells[cellKey(r.provider, r.check)] = {
      provider: r.provider,
      providerName: p?.name ?? r.provider,
      check: r.check,
      summary: c?.summary ?? '',
      level: r.level,
      verdict: r.verdict,
      outcome: r.outcome,
      rule: r.rule,
      links: [...(p?.document?.url ? [{ name: p.document.title, url: p.document.url }] : []), ...rfcLinks(r.rule)],
      ...(r.message ? { message: r.message } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.knownBreach ? { knownBreach: r.knownBreach } : {}),
      ...(r.observed ? { observed: r.observed } : {}),
      durationMs: r.durationMs,
      ...(r.sleptSeconds ? { sleptSeconds: r.sleptSeconds } : {}),
      ...(r.evidence ? { evidence: r.evidence } : {}),
      exchangeCount: r.exchanges,
      exchanges: (evidence(r.provider, r.check) ?? []).map(shownExchange),
    };
  }

  const rows = families
    .map((family) => {
      const checks = report.checks.filter((c) => c.family === family);
      const body = checks
        .map(
          (c) => `<tr class="check" data-check="${esc(c.id)}" data-family="${esc(c.family)}" data-level="${c.level}">
      <th scope="row" class="check-name"><code>${esc(c.id)}</code><div class="summary">${esc(c.summary)}</div></th>
      <td class="level-td"><span class="level ${c.level.toLowerCase()}">${c.level}</span></td>
      ${providers.map((p) => gridCell(report, p, c.id)).join('\n      ')}
    </tr>`,
        )
        .join('\n    ');
      return `<tbody class="family" data-family="${esc(family)}">
    <tr class="family-row"><th colspan="${providers.length + 2}" scope="rowgroup">${esc(family)}</th></tr>
    ${body}
  </tbody>`;
    })
    .join('\n  ');

  const problems = providers
    .flatMap((p) => [
      ...(p.broken ? [`<div class="problem broken" data-provider="${esc(p.id)}"><strong>${esc(p.name)} (${esc(p.id)}) could not be judged</strong><pre>${esc(p.broken)}</pre></div>`] : []),
      ...p.problems.map((m) => `<div class="problem" data-provider="${esc(p.id)}"><strong>${esc(p.name)} (${esc(p.id)})</strong><pre>${esc(m)}</pre></div>`),
    ])
    .join('\n');
  const causes = report.causes
    .filter((c) => c.cells.length > 1)
    .map(
      (c) => `<div class="cause"><strong>${c.cells.length} findings share one root cause:</strong> ${esc(c.cause)}<div class="muted">${c.cells
        .map((x) => `<code>${esc(x.provider)} · ${esc(x.check)}</code>`)
        .join(' ')}</div></div>`,
    )
    .join('\n');
  const t = report.totals;
  const option = (value: string, text: string): string => `<option value="${esc(value)}">${esc(text)}</option>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance matrix · authconform</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header class="top">
  <h1>Conformance matrix</h1>
  <p class="run">
    <span>${report.checks.length} checks · ${providers.length} provider${providers.length === 1 ? '' : 's'}</span>
    <span class="chip pass">${t.pass} passed</span>
    <span class="chip fail">${t.fail} failed</span>
    <span class="chip skip">${t.skip} skipped</span>
    ${t.broken ? `<span class="chip broken">${t.broken} not judged (broken)</span>` : ''}
    ${t.knownBreach ? `<span class="chip known-breach">${t.knownBreach} known breach${t.knownBreach === 1 ? '' : 'es'}</span>` : ''}
    ${t.unexpectedPass ? `<span class="chip unexpected-pass">${t.unexpectedPass} unexpected pass${t.unexpectedPass === 1 ? '' : 'es'}</span>` : ''}
    <span class="muted">run ${esc(report.status)} · ${esc(when(report.generatedAt))}</span>
  </p>
</header>
<form class="filters" aria-label="Filters" onsubmit="return false">
  <label>Provider <select id="filter-provider">${option('', 'All providers')}${providers.map((p) => option(p.id, p.name === p.id ? p.id : `${p.name} (${p.id})`)).join('')}</select></label>
  <label>Family <select id="filter-family">${option('', 'All families')}${families.map((f) => option(f, f)).join('')}</select></label>
  <label>Level <select id="filter-level">${option('', 'MUST and SHOULD')}${option('MUST', 'MUST')}${option('SHOULD', 'SHOULD')}</select></label>
  <label>Verdict <select id="filter-verdict">${option('', 'Any verdict')}${option('fail', 'Failed')}${option('skip', 'Skipped')}${option('broken', 'Broken (not judged)')}${option('known-breach', 'Known breach (expected)')}${option('unexpected-pass', 'Unexpected pass')}${option('pass', 'Passed')}</select></label>
  <span id="shown" class="muted" aria-live="polite"></span>
</form>
${problems ? `<section class="problems">${problems}</section>` : ''}
${causes ? `<section class="causes" aria-label="Root causes">${causes}</section>` : ''}
<main>
<table class="matrix" style="min-width: ${tableMinWidth(providers.length)}px">
  <thead>
    <tr>
      <th scope="col" class="check-name">Check</th>
      <th scope="col" class="level-td">Level</th>
      ${providers.map(providerHeader).join('\n      ')}
    </tr>
  </thead>
  ${rows}
</table>
<p id="empty" class="empty" hidden>No check matches these filters.</p>
</main>
<footer class="legend muted">
  <span class="cell-demo pass">✓ pass</span> the provider honours the rule ·
  <span class="cell-demo fail">✗ fail</span> it breaks it ·
  <span class="cell-demo skip">– skip</span> it could not be observed on this target (the reason is in the cell) ·
  <span class="cell-demo broken">⚠ broken</span> the target could not be judged at all (not a finding) ·
  <span class="cell-demo known-breach">◆ known breach</span> it breaks the rule, as known of this server (the reason is in the cell; the run does not fail for it) ·
  <span class="cell-demo unexpected-pass">! unexpected pass</span> a known breach that passed: the server now honours the rule ·
  <span class="na">—</span> the contract does not state the rule.
  Click a cell for its rule and evidence; secrets are redacted.
</footer>
<dialog id="evidence" aria-labelledby="evidence-title">
  <div class="dialog-head">
    <h2 id="evidence-title"></h2>
    <button type="button" id="evidence-close" aria-label="Close">✕</button>
  </div>
  <div id="evidence-body"></div>
</dialog>
<script type="application/json" id="matrix-data">${scriptJson({ cells })}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
