// The fleet page: every instance, worst first, sortable and filterable, refreshed live; standbys under
// their primary (the API's primaryId, see FleetGrouping), unless grouping is switched off.

import { state, getJson, escapeHtml, $, percent, perSecond, count, ago, formatDateTime, statusBadge, alertBadges, liveRefresh } from './common.js';

const STATUS_RANK = { DOWN: 2, STALE: 1, UP: 0 };
// the DESIGN thresholds: cache hit warning < 80 %, critical < 50 %; connections warning > 80 %, critical > 95 %
const CACHE_LEVEL = (r) => (r == null ? '' : r < 0.5 ? 'crit' : r < 0.8 ? 'warn' : 'ok');
const CONN_LEVEL = (r) => (r == null ? '' : r > 0.95 ? 'crit' : r > 0.8 ? 'warn' : 'ok');

let rows = [];
let sort = { key: 'alerts', descending: true };
let filter = '';
let grouping = sessionStorage.getItem('pgvigil.group') !== 'off';

function derive(instance) {
  const a = instance.firingAlerts || { critical: 0, warning: 0, info: 0 };
  return {
    ...instance,
    connectionsUsed: instance.connections != null && instance.maxConnections ? instance.connections / instance.maxConnections : null,
    alerts: a.critical * 1e6 + a.warning * 1e3 + a.info,
    roleName: String(instance.role || 'UNKNOWN').toLowerCase(),
  };
}

/**
 * Each standby right under its primary when both are shown; a group takes the place of its best-ranked
 * member, so sorting still brings the worst to the top. A standby whose primary is not shown (filtered
 * out, unmatched, not monitored) stays where it sorts, on its own.
 */
function arrange(sorted) {
  if (!grouping) return sorted;
  const byId = new Map(sorted.map((r) => [r.id, r]));
  const under = (r) => (r.primaryId && byId.has(r.primaryId) ? r.primaryId : null);
  const standbys = new Map();
  for (const r of sorted) {
    const p = under(r);
    if (p) standbys.set(p, [...(standbys.get(p) || []), r]);
  }
  const out = [];
  const placed = new Set();
  for (const r of sorted) {
    const head = byId.get(under(r) || r.id);
    if (placed.has(head.id)) continue;
    placed.add(head.id);
    out.push(head);
    for (const s of standbys.get(head.id) || []) out.push({ ...s, grouped: true });
  }
  return out;
}

function roleHtml(r, standbyCount) {
  if (r.role === 'PRIMARY') {
    return `<span class="role">primary</span>${standbyCount ? ` <span class="muted">· ${count(standbyCount)} standby${standbyCount === 1 ? '' : 's'}</span>` : ''}`;
  }
  if (r.role === 'STANDBY') {
    const upstream = r.replication && r.replication.upstream ? `, upstream ${r.replication.upstream}` : '';
    return r.primaryId
      ? `<span class="role" title="${escapeHtml(`standby of ${r.primaryId}${upstream}`)}">standby</span>`
      : `<span class="role" title="${escapeHtml(`no monitored primary matches it${upstream}`)}">standby</span> <span class="muted">(on its own)</span>`;
  }
  return '<span class="muted" title="no replication record yet">unknown</span>';
}

function compare(a, b) {
  const { key, descending } = sort;
  let x = a[key];
  let y = b[key];
  if (key === 'status') { x = STATUS_RANK[x] ?? 3; y = STATUS_RANK[y] ?? 3; }
  if (key === 'role') { x = a.roleName; y = b.roleName; }
  if (key === 'lastSnapshotAt') { x = x ? Date.parse(x) : null; y = y ? Date.parse(y) : null; }
  // unknown values sort last whichever the direction
  if (x == null && y == null) return a.id.localeCompare(b.id);
  if (x == null) return 1;
  if (y == null) return -1;
  let c = typeof x === 'string' ? x.localeCompare(y) : x - y;
  if (descending) c = -c;
  if (c === 0 && key !== 'status') c = (STATUS_RANK[b.status] ?? 3) - (STATUS_RANK[a.status] ?? 3);
  return c !== 0 ? c : a.id.localeCompare(b.id);
}

function bar(ratio, level) {
  const width = ratio == null ? 0 : Math.max(2, Math.min(100, ratio * 100));
  return `<span class="bar"><span class="fill ${level}" style="width:${width.toFixed(1)}%"></span></span>`;
}

function rowHtml(r, now, standbyCounts) {
  const conns = r.connections == null ? '\u2013' : `${count(r.connections)} / ${count(r.maxConnections)}`;
  return `<tr class="row-${escapeHtml(String(r.status).toLowerCase())}${r.grouped ? ' grouped' : ''}" data-id="${escapeHtml(r.id)}">`
    + `<td class="id">${r.grouped ? '<span class="tree" aria-hidden="true">↳</span>' : ''}<a href="instance.html?id=${encodeURIComponent(r.id)}">${escapeHtml(r.id)}</a></td>`
    + `<td>${statusBadge(r.status)}</td>`
    + `<td class="role-cell">${roleHtml(r, standbyCounts.get(r.id) || 0)}</td>`
    + `<td class="num"><span class="level-${CACHE_LEVEL(r.cacheHitRatio)}">${percent(r.cacheHitRatio)}</span>${bar(r.cacheHitRatio, CACHE_LEVEL(r.cacheHitRatio))}</td>`
    + `<td class="num">${perSecond(r.transactionsPerSecond)}</td>`
    + `<td class="num">${r.connections == null ? '' : `<span class="count">${escapeHtml(conns)}</span>`}<span class="level-${CONN_LEVEL(r.connectionsUsed)}">${percent(r.connectionsUsed)}</span>${bar(r.connectionsUsed, CONN_LEVEL(r.connectionsUsed))}</td>`
    + `<td>${alertBadges(r.firingAlerts)}</td>`
    + `<td class="num" title="${escapeHtml(formatDateTime(r.lastSnapshotAt))}">${escapeHtml(ago(r.lastSnapshotAt, now))}</td>`
    + '</tr>';
}

function renderSummary() {
  const by = { UP: 0, STALE: 0, DOWN: 0 };
  let critical = 0;
  let warning = 0;
  for (const r of rows) {
    by[r.status] = (by[r.status] || 0) + 1;
    if (r.firingAlerts.critical) critical++;
    else if (r.firingAlerts.warning) warning++;
  }
  const card = (label, value, cls = '') => `<div class="card ${cls}"><div class="card-value">${value}</div><div class="card-label">${label}</div></div>`;
  $('#summary').innerHTML = card('instances', count(rows.length))
    + card('up', count(by.UP), 'ok')
    + card('stale', count(by.STALE), by.STALE ? 'warn' : '')
    + card('down', count(by.DOWN), by.DOWN ? 'crit' : '')
    + card('with critical alerts', count(critical), critical ? 'crit' : '')
    + card('with warnings only', count(warning), warning ? 'warn' : '');
}

function render() {
  const started = performance.now();
  const needle = filter.trim().toLowerCase();
  const shown = arrange(rows.filter((r) => !needle || r.id.toLowerCase().includes(needle) || String(r.status).toLowerCase() === needle
    || r.roleName === needle).sort(compare));
  const now = Date.now();
  const standbyCounts = new Map();
  for (const r of rows) if (r.primaryId) standbyCounts.set(r.primaryId, (standbyCounts.get(r.primaryId) || 0) + 1);
  $('#fleet tbody').innerHTML = shown.map((r) => rowHtml(r, now, standbyCounts)).join('');
  for (const th of document.querySelectorAll('#fleet th')) {
    th.setAttribute('aria-sort', th.dataset.key === sort.key ? (sort.descending ? 'descending' : 'ascending') : 'none');
  }
  const empty = $('#empty');
  if (rows.length === 0) {
    empty.hidden = false;
    empty.innerHTML = '<strong>No instances yet.</strong> An instance appears here once the collector has sent its first snapshot. '
      + 'List your databases under <code>collector.targets</code> in the configuration file and start the collector '
      + '(<code>pgvigil collector --config pgvigil.yaml</code>), or try everything at once with <code>pgvigil standalone</code>.';
  } else if (shown.length === 0) {
    empty.hidden = false;
    empty.innerHTML = `No instance matches \u201c${escapeHtml(filter)}\u201d. Clear the filter to see all ${count(rows.length)}.`;
  } else {
    empty.hidden = true;
  }
  $('#fleet').hidden = shown.length === 0;
  $('#shown').textContent = needle ? `${count(shown.length)} of ${count(rows.length)}` : `${count(rows.length)} instance${rows.length === 1 ? '' : 's'}`;
  state.renderMs = performance.now() - started;
  state.renders++;
}

async function load() {
  const fleet = await getJson('api/fleet');
  rows = fleet.instances.map(derive);
  renderSummary();
  render();
  state.ready = true;
}

for (const th of document.querySelectorAll('#fleet th')) {
  th.querySelector('button').addEventListener('click', () => {
    const key = th.dataset.key;
    // each column starts with its worst first (most alerts, lowest cache hit, oldest snapshot), names alphabetically
    sort = sort.key === key ? { key, descending: !sort.descending } : { key, descending: !['id', 'role', 'cacheHitRatio', 'lastSnapshotAt'].includes(key) };
    render();
  });
}
$('#filter').addEventListener('input', (e) => { filter = e.target.value; render(); });
$('#group').checked = grouping;
$('#group').addEventListener('change', (e) => {
  grouping = e.target.checked;
  sessionStorage.setItem('pgvigil.group', grouping ? 'on' : 'off');
  render();
});

liveRefresh(load);
