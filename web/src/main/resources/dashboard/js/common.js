// Shared by the pages: fetching the API, units, time, live refresh, and the self-check the browser
// test reads (window.pgvigil).

export const state = (window.pgvigil = window.pgvigil || { ready: false, errors: [], charts: {}, renders: 0 });

window.addEventListener('error', (e) => state.errors.push(String(e.message || e)));
window.addEventListener('unhandledrejection', (e) => state.errors.push(String(e.reason && e.reason.message || e.reason)));

/** GET a JSON document from the API; a failure carries the API's own error message. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((body && body.message) || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

// ---- units ----

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const twoDigits = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 2 });

export const DASH = '\u2013';

/** 0.9876 -> "98.8 %" */
export function percent(ratio) {
  if (ratio == null || Number.isNaN(ratio)) return DASH;
  const p = ratio * 100;
  return (p >= 99.95 || p === 0 ? integer.format(p) : oneDecimal.format(p)) + ' %';
}

/** A count with thousands separators; small fractional numbers keep a decimal. */
export function count(value) {
  if (value == null || Number.isNaN(value)) return DASH;
  if (Math.abs(value) >= 100 || Number.isInteger(value)) return integer.format(value);
  return Math.abs(value) >= 10 ? oneDecimal.format(value) : twoDigits.format(value);
}

/** A rate per second: "1,234 /s". */
export function perSecond(value) {
  return value == null ? DASH : `${count(value)} /s`;
}

/** Milliseconds the way a DBA reads them: 0.42 ms, 12.3 ms, 1.25 s, 3.5 min. */
export function millis(ms) {
  if (ms == null || Number.isNaN(ms)) return DASH;
  if (ms < 1) return `${twoDigits.format(ms)} ms`;
  if (ms < 100) return `${oneDecimal.format(ms)} ms`;
  if (ms < 1000) return `${integer.format(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 3600000) return `${oneDecimal.format(ms / 60000)} min`;
  return `${oneDecimal.format(ms / 3600000)} h`;
}

const SIZE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Sizes in IEC binary units (powers of 1024), as the server writes them (common.text.Human). */
export function bytes(value) {
  if (value == null || Number.isNaN(value)) return DASH;
  let v = Math.abs(value);
  let unit = 0;
  while (v >= 1024 && unit < SIZE_UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  const text = unit === 0 ? integer.format(v) : v < 10 ? oneDecimal.format(v) : integer.format(v);
  return `${value < 0 ? '-' : ''}${text} ${SIZE_UNITS[unit]}`;
}

// ---- time ----

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';

const clockTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });

export function formatClock(date) {
  return clockTime.format(date);
}

/** Full local date and time with the zone: for tooltips and headers. */
export function formatDateTime(iso) {
  return iso ? dateTime.format(new Date(iso)) : DASH;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function ago(iso, now = Date.now()) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** The zone line shown in the header: "Times in Europe/Berlin (UTC+01:00)". */
export function zoneLabel() {
  const minutes = -new Date().getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  const offset = `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `Times in ${timeZone} (${offset})`;
}

// ---- badges ----

export function statusBadge(status) {
  const s = String(status || 'UNKNOWN');
  return `<span class="badge status-${escapeHtml(s.toLowerCase())}">${escapeHtml(s.toLowerCase())}</span>`;
}

export function severityBadge(severity) {
  const s = String(severity || '').toLowerCase();
  return `<span class="badge sev-${escapeHtml(s)}">${escapeHtml(s)}</span>`;
}

export function alertBadges(counts) {
  if (!counts || counts.critical + counts.warning + counts.info === 0) return '<span class="muted">none</span>';
  const parts = [];
  if (counts.critical) parts.push(`<span class="badge sev-critical" title="critical alerts firing">${counts.critical} critical</span>`);
  if (counts.warning) parts.push(`<span class="badge sev-warning" title="warning alerts firing">${counts.warning} warning</span>`);
  if (counts.info) parts.push(`<span class="badge sev-info" title="info alerts firing">${counts.info} info</span>`);
  return parts.join(' ');
}

// ---- live refresh ----

/** Every 10 s, or ?refresh=SECONDS in the address (at least 2). */
function refreshIntervalMs() {
  const seconds = Number(new URLSearchParams(location.search).get('refresh'));
  return Number.isFinite(seconds) && seconds >= 2 ? seconds * 1000 : 10000;
}

/**
 * Calls load() now and every intervalMs while not paused and the tab is visible; wires the pause
 * button and the "updated at" line in the header. Returns a function that reloads at once.
 */
export function liveRefresh(load, intervalMs = refreshIntervalMs()) {
  const button = $('#pause');
  const updated = $('#updated');
  const banner = $('#banner');
  let paused = false;
  let timer = null;
  let running = false;

  async function tick() {
    if (running) return;
    running = true;
    try {
      await load();
      banner.hidden = true;
      updated.textContent = `Updated ${formatClock(new Date())}`;
      updated.title = zoneLabel();
    } catch (e) {
      banner.hidden = false;
      banner.textContent = `Cannot load data from the pgvigil API: ${e.message}. ${paused ? 'Live refresh is paused.' : `Retrying every ${intervalMs / 1000} s.`}`;
    } finally {
      running = false;
    }
  }

  function schedule() {
    clearInterval(timer);
    timer = paused ? null : setInterval(() => { if (!document.hidden) tick(); }, intervalMs);
  }

  button.addEventListener('click', () => {
    paused = !paused;
    button.textContent = paused ? 'Resume' : 'Pause';
    button.setAttribute('aria-pressed', String(paused));
    button.title = paused ? 'Live refresh is paused' : `Refreshing every ${intervalMs / 1000} s`;
    if (!paused) tick();
    schedule();
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden && !paused) tick(); });
  button.title = `Refreshing every ${intervalMs / 1000} s`;
  $('#zone').textContent = zoneLabel();
  schedule();
  tick();
  return tick;
}

/** Copies text to the clipboard, also where the Clipboard API is not available (plain http). */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      // fall through: permissions can refuse it (headless, iframes)
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  return ok;
}
