// The Sluice dashboard: polls the master's API twice a second and renders workers, streams,
// clients (with kick) and two charts of the last five minutes. Plain DOM and SVG, no build step.
// The API token, when the server needs one, is asked for once and kept in localStorage.
'use strict';

// Twice a second: a new stream shows within a second of its publish (the issue asks for 3 s).
const POLL_MS = 500;
const HISTORY_MS = 5 * 60 * 1000;
const history = []; // {t, kbps, players}
const lastBytes = new Map(); // stream -> {t, bytesIn}: the bitrate is the rate between two polls
let token = localStorage.getItem('sluice.token') || '';
let httpListener = null; // the workers' HTTP listener, host:port, from the summary; null: no previews
let preview = null; // {stream, player}: the one stream being previewed

async function api(method, path) {
  const headers = token ? { Authorization: 'Bearer ' + token } : {};
  const r = await fetch(path, { method, headers, cache: 'no-store' });
  if (r.status === 401) {
    document.getElementById('token-form').hidden = false;
    throw new Error('the API needs a token');
  }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells, numeric) {
  const tr = document.createElement('tr');
  cells.forEach((c, i) => tr.appendChild(c instanceof Node ? wrap(c) : el('td', c, numeric.includes(i) ? 'num' : '')));
  return tr;
}

function wrap(node) {
  const td = document.createElement('td');
  td.appendChild(node);
  return td;
}

function fill(id, rows) {
  const body = document.querySelector('#' + id + ' tbody');
  body.replaceChildren(...rows);
}

const bytes = (n) => n >= 1 << 30 ? (n / (1 << 30)).toFixed(1) + ' GiB' : n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MiB'
  : n >= 1024 ? (n / 1024).toFixed(1) + ' KiB' : n + ' B';
function duration(ms) {
  const s = Math.floor(ms / 1000);
  return s >= 3600 ? Math.floor(s / 3600) + 'h' + String(Math.floor(s / 60) % 60).padStart(2, '0') + 'm'
    : s >= 60 ? Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's' : s + 's';
}
const players = (n, byProtocol) => n + (n ? ' (' + Object.entries(byProtocol).map(([p, c]) => p + ' ' + c).join(', ') + ')' : '');

/** kbit/s of a stream between the last two polls; the average since publishing until there are two. */
function bitrate(s, now) {
  const before = lastBytes.get(s.stream);
  lastBytes.set(s.stream, { t: now, bytesIn: s.bytesIn });
  if (before && now > before.t && s.bytesIn >= before.bytesIn) {
    return Math.round((s.bytesIn - before.bytesIn) * 8 / (now - before.t));
  }
  return s.kbps;
}

function chart(id, key) {
  const svg = document.getElementById(id);
  const now = Date.now();
  const max = Math.max(1, ...history.map((h) => h[key]));
  const points = history.map((h) => ((600 * (1 - (now - h.t) / HISTORY_MS)).toFixed(1)) + ','
    + (150 - 140 * h[key] / max).toFixed(1)).join(' ');
  const grid = [0.25, 0.5, 0.75].map((f) => `<line x1="0" x2="600" y1="${150 - 140 * f}" y2="${150 - 140 * f}"/>`).join('');
  svg.innerHTML = grid + `<polyline points="${points}"/>`;
  document.getElementById('now-' + key).textContent = history.length ? String(history[history.length - 1][key]) : '';
}

async function kick(id) {
  try {
    await api('DELETE', '/api/v1/clients/' + encodeURIComponent(id));
    setStatus('kicked ' + id);
  } catch (e) {
    setStatus('kick ' + id + ': ' + e.message);
  }
  poll();
}

// The preview plays the stream as a browser viewer would: HTTP-FLV from the workers' HTTP port
// (any worker serves any stream) on the host this page came from, with mpegts.js. The preview is a
// player like any other: it shows in the clients table and counts under the stream's limits.
function previewButton(stream) {
  if (!httpListener || typeof mpegts === 'undefined' || !mpegts.isSupported()) return '';
  const b = el('button', preview && preview.stream === stream ? 'watching' : 'preview', 'preview');
  b.addEventListener('click', () => startPreview(stream));
  return b;
}

function flvUrl(stream) {
  const port = httpListener.slice(httpListener.lastIndexOf(':') + 1);
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  return `${location.protocol === 'https:' ? 'https:' : 'http:'}//${host}:${port}/${stream}.flv`;
}

function startPreview(stream) {
  stopPreview();
  const url = flvUrl(stream);
  const video = document.getElementById('preview');
  const player = mpegts.createPlayer({ type: 'flv', isLive: true, url },
    { enableStashBuffer: false, liveBufferLatencyChasing: true });
  // Shown under the video: the status line is rewritten by every poll.
  player.on(mpegts.Events.ERROR, (type, detail) => {
    document.getElementById('preview-url').textContent = `${url}: ${type} ${detail}`;
  });
  player.attachMediaElement(video);
  player.load();
  Promise.resolve(player.play()).catch(() => {}); // muted autoplay; a refusal leaves the controls
  preview = { stream, player };
  document.getElementById('preview-name').textContent = stream;
  document.getElementById('preview-url').textContent = url;
  document.getElementById('preview-box').hidden = false;
}

function stopPreview() {
  if (!preview) return;
  preview.player.destroy();
  preview = null;
  document.getElementById('preview-box').hidden = true;
}

function setStatus(text) {
  document.getElementById('status').textContent = text;
}

async function poll() {
  try {
    const [summary, workers, streams, clients] = await Promise.all([
      api('GET', '/api/v1/summary'), api('GET', '/api/v1/workers'), api('GET', '/api/v1/streams'),
      api('GET', '/api/v1/clients?per_page=200')]);
    const now = Date.now();
    httpListener = summary.http;
    document.getElementById('summary').textContent = `v${summary.version} · up ${duration(summary.uptimeMillis)} · generation `
      + `${summary.generation} · ${summary.workers} workers · ${summary.streams} streams · ${summary.players} players`;
    let totalKbps = 0;
    fill('streams', streams.streams.map((s) => {
      const kbps = bitrate(s, now);
      totalKbps += kbps;
      const tr = row([s.stream, s.owner, s.relayedBy.join(', '), s.publisher || '', players(s.players, s.playersByProtocol),
        kbps, s.kbpsOut, [s.videoCodec, s.audioCodec].filter(Boolean).join(' / '), duration(s.uptimeMillis),
        previewButton(s.stream)], [1, 5, 6]);
      tr.dataset.stream = s.stream;
      tr.dataset.kbps = kbps;
      return tr;
    }));
    fill('workers', workers.workers.map((w) => row([w.id, w.pid, w.generation, w.state, w.connections,
      players(w.players, w.playersByProtocol), w.streams, bytes(w.heapUsed),
      w.rttP50Micros < 0 ? '' : `${w.rttP50Micros} / ${w.rttP99Micros} µs`, duration(w.uptimeMillis)], [0, 1, 2, 4, 6])));
    const partial = [...streams.partial, ...clients.partial];
    const p = document.getElementById('partial');
    p.hidden = partial.length === 0;
    p.textContent = partial.length ? 'Not answering in time: ' + partial.map((m) => 'worker ' + m.worker + ' (' + m.reason + ')').join(', ') : '';
    document.getElementById('clients-total').textContent = `(${clients.total}${clients.total > clients.clients.length ? ', first ' + clients.clients.length + ' shown' : ''})`;
    fill('clients', clients.clients.map((c) => {
      const button = el('button', 'kick', 'kick');
      button.addEventListener('click', () => kick(c.id));
      const tr = row([c.worker, c.id, c.address || '', c.protocol, c.role, c.stream || '', bytes(c.bytesIn), bytes(c.bytesOut),
        duration(c.durationMillis), button], [0, 6, 7]);
      tr.dataset.client = c.id;
      return tr;
    }));
    history.push({ t: now, kbps: totalKbps, players: summary.players });
    while (history.length && now - history[0].t > HISTORY_MS) history.shift();
    chart('chart-kbps', 'kbps');
    chart('chart-players', 'players');
    setStatus('');
  } catch (e) {
    setStatus(e.message);
  }
}

document.getElementById('preview-close').addEventListener('click', stopPreview);
document.getElementById('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token = document.getElementById('token').value.trim();
  localStorage.setItem('sluice.token', token);
  document.getElementById('token-form').hidden = true;
  poll();
});

poll();
setInterval(poll, POLL_MS);
