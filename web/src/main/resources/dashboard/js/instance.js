// The instance page: headline numbers, trend charts over a chosen range, replication (lag per standby,
// slots, archiver; on a standby its own replay), alerts, findings with copyable SQL, top statements and
// baseline comparison; refreshed live.

import {
  state, getJson, escapeHtml, $, percent, perSecond, count, millis, bytes, ago, formatDateTime,
  statusBadge, severityBadge, liveRefresh, copyText, DASH,
} from './common.js';
import { Chart } from './charts.js';

const id = new URLSearchParams(location.search).get('id');
const DAY = 86400;

// The analyzer's metric names (pgvigil.metrics / rollups); docs/web.md lists them.
const CHARTS = [
  { name: 'tps', metric: 'database.tps', top: 5, label: (l) => l.database, format: (v) => count(v),
    emptyText: 'No transaction rate in this range yet: the analyzer needs two snapshots of a database to compute one.' },
  { name: 'cacheHit', metric: 'database.cache_hit_ratio', top: 8, label: (l) => l.database, format: percent, clamp: [0, 1],
    emptyText: 'No cache hit ratio in this range yet: it is computed per interval once blocks are read.' },
  { name: 'connections', metric: 'instance.sessions', label: (l) => l.state || 'all', format: (v) => count(v),
    emptyText: 'No connection counts in this range yet.' },
  { name: 'statements', metric: 'statement.mean_time_ms', top: 5, label: (l) => statementLabel(l.queryid), format: millis,
    emptyText: 'No statement timings in this range. They need the pg_stat_statements extension: CREATE EXTENSION pg_stat_statements;' },
  { name: 'deadRows', metric: 'table.dead_rows', top: 5, label: (l) => (l.schema ? `${l.schema}.${l.table}` : l.table), format: (v) => count(v),
    emptyText: 'No dead rows measured in this range: no table has had updates or deletes yet.' },
  { name: 'size', metric: 'database.size_bytes', top: 5, label: (l) => l.database, format: bytes, value: 'last',
    emptyText: 'No database sizes in this range yet.' },
];

const charts = new Map(CHARTS.map((c) => [c.name, new Chart($(`#chart-${c.name}`), c)]));
let rangeSeconds = Number(sessionStorage.getItem('pgvigil.range')) || 3600;
let statementsById = new Map();
let detail = null;
let selectedBaseline = null;
let replication = null; // the API's replication view: role, primary or standbys, newest record
let replicationCharts = null; // {role, charts: Map name -> Chart}, made once the role is known

function statementLabel(queryid) {
  const text = statementsById.get(String(queryid));
  if (!text) return `queryid ${queryid}`;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 40 ? `${oneLine.slice(0, 39)}\u2026` : oneLine;
}

function rangeParams() {
  const to = new Date();
  const from = new Date(to.getTime() - rangeSeconds * 1000);
  const resolution = rangeSeconds <= DAY ? '1m' : '1h';
  return { from: from.toISOString(), to: to.toISOString(), resolution };
}

function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== '')).toString();
  return getJson(`api/instances/${encodeURIComponent(id)}${path}${query ? `?${query}` : ''}`);
}

// ---- header ----

function renderHeader(d) {
  const s = d.summary;
  document.title = `${s.id} · pgvigil`;
  $('#instance-id').textContent = s.id;
  $('#instance-status').innerHTML = statusBadge(s.status);
  const total = d.databases.reduce((n, db) => n + db.sizeBytes, 0);
  $('#facts').innerHTML = [
    d.serverVersion ? `PostgreSQL <b>${escapeHtml(d.serverVersion)}</b>` : null,
    d.startedAt ? `up since <b title="${escapeHtml(formatDateTime(d.startedAt))}">${escapeHtml(ago(d.startedAt))}</b>` : null,
    `last snapshot <b title="${escapeHtml(formatDateTime(s.lastSnapshotAt))}">${escapeHtml(ago(s.lastSnapshotAt))}</b>`,
    `<b>${count(d.databases.length)}</b> database${d.databases.length === 1 ? '' : 's'}, <b>${bytes(total)}</b>`,
  ].filter(Boolean).map((f) => `<span>${f}</span>`).join('');
  const used = s.connections != null && s.maxConnections ? s.connections / s.maxConnections : null;
  const card = (label, value, cls = '') => `<div class="card ${cls}"><div class="card-value">${value}</div><div class="card-label">${label}</div></div>`;
  const level = (v, warn, crit, below) => (v == null ? '' : below ? (v < crit ? 'crit' : v < warn ? 'warn' : 'ok') : v > crit ? 'crit' : v > warn ? 'warn' : 'ok');
  const a = s.firingAlerts;
  $('#headline').innerHTML = card('cache hit ratio, last interval', percent(s.cacheHitRatio), level(s.cacheHitRatio, 0.8, 0.5, true))
    + card('transactions per second', perSecond(s.transactionsPerSecond))
    + card(`connections used (${count(s.connections)} of ${count(s.maxConnections)})`, percent(used), level(used, 0.8, 0.95, false))
    + card('firing alerts', count(a.critical + a.warning + a.info), a.critical ? 'crit' : a.warning ? 'warn' : 'ok');
}

// ---- charts ----

function sizeProjection(series, databases) {
  const extra = [];
  const notes = [];
  const horizon = rangeSeconds / 4; // a quarter of the range ahead; the note says when the disk fills
  for (const s of series) {
    const db = databases.find((d) => d.name === s.label);
    const last = s.points[s.points.length - 1];
    if (!db || !last || !(db.growthBytesPerDay > 0)) continue;
    const end = last[0] + horizon;
    extra.push({ label: `${s.label} projected`, points: [last, [end, last[1] + db.growthBytesPerDay * (horizon / DAY)]], dash: [6, 5] });
    notes.push(`${s.label} +${bytes(db.growthBytesPerDay)}/day${db.daysUntilFull != null ? `, disk full in ${count(Math.round(db.daysUntilFull))} d` : ''}`);
  }
  return { extra, note: notes.join(' · ') };
}

async function loadCharts() {
  const { from, to, resolution } = rangeParams();
  $('#resolution').textContent = `${resolution === '1m' ? '1-minute' : '1-hour'} averages`;
  const answers = await Promise.all(CHARTS.map((c) => api('/series', { metric: c.metric, from, to, resolution, top: c.top })));
  await loadReplicationCharts(from, to, resolution);
  CHARTS.forEach((c, i) => {
    const field = c.value || 'avg';
    let series = answers[i].series.map((s, k) => ({
      label: c.label(s.labels) ?? `series ${k + 1}`,
      points: s.points.map((p) => [Date.parse(p.start) / 1000, p[field]]),
    }));
    let note = '';
    if (c.name === 'size' && detail) {
      const projection = sizeProjection(series, detail.databases);
      series = series.concat(projection.extra);
      note = projection.note;
    }
    charts.get(c.name).update(series, note, [Date.parse(from) / 1000, Date.parse(to) / 1000]);
  });
}

// ---- replication ----

const seconds = (v) => (v == null ? DASH : millis(v * 1000));
// The analyzer's replication metrics (docs/analyzer.md): per standby on a primary, the standby's own on a standby.
const REPLICATION_CHARTS = {
  PRIMARY: [
    { name: 'lagBytes', metric: 'replication.replay_lag_bytes', label: (l) => l.standby, format: bytes, unit: 'WAL each standby has not replayed yet',
      emptyText: 'No standby streamed from this instance in this range.' },
    { name: 'lagSeconds', metric: 'replication.replay_lag_s', label: (l) => l.standby, format: seconds, unit: 'replay_lag of pg_stat_replication',
      emptyText: 'No replay lag in this range: the server measures it only while WAL is written and replayed.' },
  ],
  STANDBY: [
    { name: 'lagBytes', metric: 'replication.unreplayed_bytes', label: () => 'received, not replayed', format: bytes, unit: 'WAL received and not replayed yet',
      emptyText: 'No replay measured in this range yet.' },
    { name: 'lagSeconds', metric: 'replication.replay_delay_s', label: () => 'replay delay', format: seconds, unit: 'how stale its data is (0 when all is replayed)',
      emptyText: 'No replay delay in this range yet: it needs a replayed transaction.' },
  ],
};

async function loadReplicationCharts(from, to, resolution) {
  const role = replication && replication.latest ? replication.latest.role : null;
  const specs = REPLICATION_CHARTS[role];
  if (!specs) return;
  if (!replicationCharts || replicationCharts.role !== role) {
    if (replicationCharts) for (const c of replicationCharts.charts.values()) c.destroy();
    replicationCharts = { role, charts: new Map(specs.map((c) => [c.name, new Chart($(`#chart-${c.name}`), c)])) };
    for (const c of specs) $(`#chart-${c.name} .unit`).textContent = c.unit;
  }
  const answers = await Promise.all(specs.map((c) => api('/series', { metric: c.metric, from, to, resolution })));
  specs.forEach((c, i) => {
    const series = answers[i].series.map((s, k) => ({
      label: c.label(s.labels) ?? `series ${k + 1}`,
      points: s.points.map((p) => [Date.parse(p.start) / 1000, p.avg]),
    }));
    replicationCharts.charts.get(c.name).update(series, '', [Date.parse(from) / 1000, Date.parse(to) / 1000]);
  });
}

/** A byte position as PostgreSQL writes an LSN: 5/1FF00000. */
function lsn(position) {
  if (position == null) return DASH;
  const high = Math.floor(position / 4294967296);
  return `${high.toString(16).toUpperCase()}/${(position - high * 4294967296).toString(16).toUpperCase()}`;
}

const instanceLink = (other) => `<a href="instance.html?id=${encodeURIComponent(other)}">${escapeHtml(other)}</a>`;
const fact = (label, value) => (value == null ? null : `${label} <b>${value}</b>`);
const when = (iso) => (iso ? `<span title="${escapeHtml(formatDateTime(iso))}">${escapeHtml(ago(iso))}</span>` : DASH);

function standbysTable(standbys) {
  if (!standbys.length) return '<div class="empty">No standby is streaming from this instance (pg_stat_replication is empty).</div>';
  const rows = standbys.map((s) => `<tr>
      <td><b>${escapeHtml(s.name)}</b>${s.applicationName ? ` <span class="muted">${escapeHtml(s.applicationName)}</span>` : ''}</td>
      <td>${escapeHtml(s.state ?? DASH)}</td><td>${escapeHtml(s.syncState ?? DASH)}</td><td>${escapeHtml(s.clientAddr ?? 'local socket')}</td>
      <td class="num">${bytes(s.replayLagBytes)}</td><td class="num">${seconds(s.replayLagSeconds)}</td></tr>`).join('');
  return `<h3>Standbys</h3><div class="table-wrap"><table class="data"><thead><tr><th>Standby</th><th>State</th><th>Sync</th><th>Client</th>
      <th class="num">Replay lag</th><th class="num">In time</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

// the analyzer's verdict (replication_slot_retention with this instance's thresholds), not limits of the page's own
function slotLevel(s) {
  return s.severity === 'CRITICAL' ? 'crit' : s.severity === 'WARNING' ? 'warn' : '';
}

function slotsTable(slots) {
  if (!slots.length) return '<div class="empty">No replication slots.</div>';
  const rows = slots.map((s) => `<tr>
      <td><b>${escapeHtml(s.name)}</b></td><td>${escapeHtml(s.type)}</td>
      <td>${s.active ? 'active' : '<span class="badge neutral">inactive</span>'}</td><td>${escapeHtml(s.walStatus ?? DASH)}</td>
      <td class="num"><span class="level-${slotLevel(s)}">${bytes(s.retainedBytes)}</span></td></tr>`).join('');
  return `<h3>Slots</h3><div class="table-wrap"><table class="data" id="slots-table"><thead><tr><th>Slot</th><th>Type</th><th>Active</th><th>WAL status</th>
      <th class="num">Retained WAL</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function archiverHtml(a) {
  if (!a) return '';
  const failing = a.failing ? ` ${severityBadge('CRITICAL')} <b class="level-crit">failing</b>` : '';
  return `<h3>Archiver</h3><div class="facts replication-facts">${[
    `archive_mode <b>${escapeHtml(a.archiveMode ?? DASH)}</b>${failing}`,
    `archived <b>${count(a.archivedCount)}</b>, last <b>${escapeHtml(a.lastArchivedWal ?? DASH)}</b> ${when(a.lastArchivedAt)}`,
    `failed <b class="${a.failedCount ? 'level-warn' : ''}">${count(a.failedCount)}</b>${a.lastFailedWal ? `, last <b>${escapeHtml(a.lastFailedWal)}</b> ${when(a.lastFailedAt)}` : ''}`,
  ].map((f) => `<span>${f}</span>`).join('')}</div>`;
}

function renderReplication(view) {
  replication = view;
  const r = view.latest;
  $('#replication-role').innerHTML = `<span class="badge neutral">${escapeHtml(view.role.toLowerCase())}</span>`;
  $('#replication-body').hidden = !r;
  $('#replication-empty').hidden = !!r;
  if (!r) {
    $('#replication-summary').textContent = '';
    $('#replication-facts').innerHTML = '';
    $('#replication-empty').innerHTML = 'No replication record yet, so the role is unknown. The collector reads one each snapshot '
      + '(<code>pg_stat_replication</code>, <code>pg_replication_slots</code>, <code>pg_stat_archiver</code>, <code>pg_stat_wal_receiver</code>, as <code>pg_monitor</code>).';
    return;
  }
  const standby = r.role === 'STANDBY';
  const w = r.receiver || {};
  $('#replication-summary').textContent = standby
    ? `replay ${bytes(w.unreplayedBytes)} behind what it received`
    : `${count(r.standbys.length)} standby${r.standbys.length === 1 ? '' : 's'} streaming, ${count(r.slots.length)} slot${r.slots.length === 1 ? '' : 's'}`;
  const facts = standby ? [
    view.primaryId ? `standby of <b>${instanceLink(view.primaryId)}</b>` : '<b>no monitored primary matches it</b>',
    fact('upstream', w.upstream ? escapeHtml(w.upstream) : null),
    fact('WAL receiver', escapeHtml(w.status ?? 'not running')),
    w.replayPaused ? '<b class="level-warn">replay paused</b>' : null,
    fact('received', lsn(r.receiveLsn)), fact('replayed', lsn(r.replayLsn)),
    fact('replay delay', seconds(w.replayDelaySeconds)),
    w.lastReplayAt ? `last replayed commit <b>${when(w.lastReplayAt)}</b>` : null,
  ] : [
    fact('WAL at', lsn(r.currentLsn)),
    view.standbyIds.length ? `monitored standbys <b>${view.standbyIds.map(instanceLink).join(', ')}</b>` : null,
  ];
  facts.push(fact('timeline', r.timeline == null ? null : count(r.timeline)), fact('system identifier', r.systemIdentifier ? escapeHtml(r.systemIdentifier) : null),
    `read <b>${when(r.observedAt)}</b>`);
  $('#replication-facts').innerHTML = facts.filter(Boolean).map((f) => `<span>${f}</span>`).join('');
  $('#standbys').innerHTML = standby && !r.standbys.length ? '' : standbysTable(r.standbys);
  $('#slots').innerHTML = standby && !r.slots.length ? '' : slotsTable(r.slots);
  $('#archiver').innerHTML = archiverHtml(r.archiver);
}

// ---- alerts ----

function renderAlerts(alerts) {
  $('#alerts-count').textContent = alerts.length ? `${alerts.filter((a) => a.status === 'FIRING').length} firing, ${alerts.length} in all` : '';
  if (alerts.length === 0) {
    $('#alerts').innerHTML = '<div class="empty">No alerts for this instance. An alert fires when a rule\u2019s condition holds for its <code>for</code> duration, and resolves when it clears.</div>';
    return;
  }
  const rows = alerts.map((a) => `<tr>
      <td>${a.status === 'FIRING' ? severityBadge(a.severity) : '<span class="badge neutral">resolved</span>'}${a.silenced ? ' <span class="badge neutral" title="a silence matches it: no notifications">silenced</span>' : ''}</td>
      <td class="wrap"><b>${escapeHtml(a.rule.replaceAll('_', ' '))}</b> <span class="muted">${escapeHtml(a.object)}</span><br>${escapeHtml(a.message)}
        ${a.history.length ? `<details class="history"><summary>history (${a.history.length})</summary><ol>${a.history.map((h) => `<li>${escapeHtml(formatDateTime(h.at))}: ${escapeHtml(h.status.toLowerCase())} ${escapeHtml(h.severity.toLowerCase())} \u2013 ${escapeHtml(h.message)}</li>`).join('')}</ol></details>` : ''}</td>
      <td class="num" title="${escapeHtml(formatDateTime(a.startsAt))}">${escapeHtml(ago(a.startsAt))}${a.endsAt ? `<span class="sub">resolved ${escapeHtml(ago(a.endsAt))}</span>` : ''}</td>
    </tr>`).join('');
  $('#alerts').innerHTML = `<table class="data"><thead><tr><th>State</th><th>Alert</th><th class="num">Since</th></tr></thead><tbody>${rows}</tbody></table>`;
}

// ---- findings ----

function renderFindings(findings) {
  $('#findings-count').textContent = findings.length ? `${findings.length}` : '';
  if (findings.length === 0) {
    $('#findings').innerHTML = '<div class="empty">No findings. After each snapshot pgvigil looks for missing, unused, duplicate and invalid indexes, tables that need a vacuum, slow statements and more.</div>';
    return;
  }
  $('#findings').innerHTML = findings.map((f, i) => `<article class="finding">
      <div class="finding-head">${severityBadge(f.severity)}<span class="kind">${escapeHtml(f.kind.replaceAll('_', ' '))}</span><span class="object">${escapeHtml(f.object)}</span>
        <span class="when" title="${escapeHtml(formatDateTime(f.observedAt))}">${f.observedAt ? `seen ${escapeHtml(ago(f.observedAt))}` : ''}</span></div>
      <p>${escapeHtml(f.detail)}</p>
      <p class="muted">${escapeHtml(f.recommendation)}</p>
      ${f.sql.map((sql, k) => `<div class="sql"><pre id="sql-${i}-${k}">${escapeHtml(sql)}</pre><button type="button" class="copy" data-sql="sql-${i}-${k}" title="Copy to the clipboard">Copy</button></div>`).join('')}
    </article>`).join('');
}

$('#findings').addEventListener('click', async (e) => {
  const button = e.target.closest('button.copy');
  if (!button) return;
  const ok = await copyText($(`#${button.dataset.sql}`).textContent);
  button.textContent = ok ? 'Copied' : 'Select and copy';
  button.classList.toggle('copied', ok);
  setTimeout(() => { button.textContent = 'Copy'; button.classList.remove('copied'); }, 2000);
});

// ---- statements ----

function renderStatements(statements) {
  if (statements.length === 0) {
    $('#statements').innerHTML = '<div class="empty">No statements in this range. Statement statistics need the <code>pg_stat_statements</code> extension: add it to <code>shared_preload_libraries</code> and run <code>CREATE EXTENSION pg_stat_statements;</code></div>';
    return;
  }
  const rows = statements.map((s) => `<tr>
      <td><div class="query" title="${escapeHtml(s.query)}">${escapeHtml(s.query || `queryid ${s.queryId}`)}</div><span class="sub">${escapeHtml(s.database)} \u00b7 queryid ${escapeHtml(s.queryId)}</span></td>
      <td class="num">${count(s.calls)}</td>
      <td class="num">${millis(s.totalTimeMs)}</td>
      <td class="num">${millis(s.meanTimeMs)}</td>
      <td class="num">${millis(s.p95TimeMs)}</td>
      <td class="num">${count(s.rows)}</td>
    </tr>`).join('');
  $('#statements').innerHTML = `<div class="table-wrap"><table class="data"><thead><tr><th>Statement</th><th class="num">Calls</th><th class="num">Total</th><th class="num">Mean</th><th class="num">p95</th><th class="num">Rows</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

// ---- baselines ----

const METRIC_FORMAT = [
  [/bytes$/, bytes], [/ratio$/, percent], [/_ms$/, millis], [/per_s$/, perSecond],
];

function formatMetric(metric, value) {
  if (value == null) return DASH;
  const rule = METRIC_FORMAT.find(([pattern]) => pattern.test(metric));
  return rule ? rule[1](value) : count(value);
}

function changeCell(delta) {
  if (delta.changeRatio == null) return `<td class="num muted">${delta.baseline == null ? 'new' : delta.current == null ? 'gone' : DASH}</td>`;
  const pct = delta.changeRatio * 100;
  const cls = Math.abs(pct) < 5 ? '' : pct > 0 ? 'change-up' : 'change-down';
  return `<td class="num ${cls}">${pct > 0 ? '+' : ''}${count(Math.round(pct * 10) / 10)} %</td>`;
}

function deltaRows(title, deltas) {
  if (!deltas.length) return '';
  return `<tr><th colspan="5">${escapeHtml(title)}</th></tr>` + deltas.map((d) => `<tr>
      <td>${escapeHtml(d.object)}</td><td class="muted">${escapeHtml(d.metric)}</td>
      <td class="num">${formatMetric(d.metric, d.baseline)}</td><td class="num">${formatMetric(d.metric, d.current)}</td>${changeCell(d)}</tr>`).join('');
}

async function renderBaselines(baselines) {
  const select = $('#baseline-select');
  const newest = [...baselines].reverse();
  if (!newest.some((b) => b.name === selectedBaseline)) selectedBaseline = newest.length ? newest[0].name : null;
  select.innerHTML = newest.map((b) => `<option value="${escapeHtml(b.name)}"${b.name === selectedBaseline ? ' selected' : ''}>${escapeHtml(b.name)} (${escapeHtml(formatDateTime(b.createdAt))})</option>`).join('');
  select.hidden = newest.length === 0;
  if (!selectedBaseline) {
    $('#comparison').innerHTML = '<div class="empty">No baselines yet. Take one before a change (an upgrade, a new index, a config change) and compare with it afterwards.</div>';
    return;
  }
  const c = await api(`/baselines/${encodeURIComponent(selectedBaseline)}/compare`);
  $('#comparison').innerHTML = `<div class="table-wrap"><table class="data"><thead><tr><th>Object</th><th>Metric</th><th class="num">Baseline</th><th class="num">Now</th><th class="num">Change</th></tr></thead><tbody>
      ${deltaRows('Instance', c.metrics)}${deltaRows('Tables', c.tables)}${deltaRows('Statements', c.statements)}</tbody></table></div>`;
}

$('#baseline-select').addEventListener('change', (e) => { selectedBaseline = e.target.value; refresh(); });

$('#baseline-token').value = sessionStorage.getItem('pgvigil.token') || '';
$('#baseline-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const message = $('#baseline-message');
  const token = $('#baseline-token').value.trim();
  const name = $('#baseline-name').value.trim();
  sessionStorage.setItem('pgvigil.token', token);
  const response = await fetch(`api/instances/${encodeURIComponent(id)}/baselines`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ name }),
  });
  const body = await response.json().catch(() => ({}));
  message.hidden = false;
  message.className = `message panel-body ${response.ok ? 'ok' : 'error'}`;
  message.textContent = response.ok ? `Requested \u201c${name}\u201d; it appears in the list within a few seconds.` : body.message || `HTTP ${response.status}`;
  if (response.ok) selectedBaseline = name;
});

// ---- loading ----

function showMissing(text) {
  $('#page').hidden = true;
  const missing = $('#missing');
  missing.hidden = false;
  missing.innerHTML = text;
  state.ready = true;
}

async function load() {
  if (!id) {
    showMissing('No instance given. Pick one on the <a href="./">fleet page</a>.');
    return;
  }
  let d;
  try {
    d = await api('');
  } catch (e) {
    if (e.status === 404) {
      showMissing(`There is no instance \u201c${escapeHtml(id)}\u201d (yet). Back to the <a href="./">fleet page</a>.`);
      return;
    }
    throw e;
  }
  detail = d;
  renderHeader(d);
  const { from, to } = rangeParams();
  const [statements, alerts, findings, baselines, replicationView] = await Promise.all([
    api('/statements/top', { from, to, limit: 10 }),
    getJson(`api/alerts?instance=${encodeURIComponent(id)}`),
    api('/findings'),
    api('/baselines'),
    api('/replication'),
  ]);
  renderReplication(replicationView);
  statementsById = new Map(statements.map((s) => [String(s.queryId), s.query]));
  renderStatements(statements);
  renderAlerts(alerts);
  renderFindings(findings);
  await Promise.all([loadCharts(), renderBaselines(baselines)]);
  state.ready = true;
  state.renders++;
}

function selectRange(seconds) {
  rangeSeconds = seconds;
  sessionStorage.setItem('pgvigil.range', String(seconds));
  for (const b of document.querySelectorAll('.range button')) b.setAttribute('aria-pressed', String(Number(b.dataset.range) === seconds));
}

for (const b of document.querySelectorAll('.range button')) {
  b.addEventListener('click', () => { selectRange(Number(b.dataset.range)); refresh(); });
}
selectRange(rangeSeconds);
const refresh = liveRefresh(load);
