// Plays live HLS streams with hls.js in Debian's headless Chromium, all at once in pages of one
// browser, and prints ONE JSON line saying whether each <video> decoded frames.
//
//   node play-hls.mjs MIN_FRAMES OVERALL_MS NAME,LL,URL [NAME,LL,URL ...]
//
// Each case is a name, 1 or 0 for hls.js's lowLatencyMode (with +RATE, e.g. 1+1.5: hls.js's
// maxLiveSyncPlaybackRate, so a low-latency player catches up with its target latency by playing
// faster, as the README's page snippet sets it), and the playlist URL (e.g.
// http://127.0.0.1:8080/live/x.m3u8). The page comes from this script's own HTTP server on
// another port of 127.0.0.1, so every playlist, part and segment is fetched cross-origin.
//
// Output: {"ok":..,"browser":..,"elapsedMs":..,"errors":[..],"results":[{"name":..,"url":..,
//          "lowLatency":..,"ok":..,"totalVideoFrames":..,"droppedVideoFrames":..,"msToFirstFrame":..,
//          "latency":..,"nonFatalErrors":..,"errors":[..]}]}
// A case is ok when its video decoded MIN_FRAMES frames with no fatal hls.js error and no page
// error within OVERALL_MS; latency is hls.js's own estimate (s behind the live edge) at the end.
// Exit status 0 only when every case is ok; 1 otherwise; 2 on bad arguments. The browser and the
// page server are always closed (bounded), and a watchdog ends the script if anything hangs.
//
// Environment: CHROMIUM (default /usr/bin/chromium); PLAY_HLS_REQUESTS=FILE writes one JSON
// line per HLS request the pages make (playlists with their _HLS_msn/_HLS_part, parts,
// segments): {"case","url","askedMs","answeredMs","ms","status"|"failure"}, times in ms since the
// script started, and one per non-fatal hls.js error {"case","atMs","hlsError","url"}, so a
// stall can be put next to the request that caused it.

import http from 'node:http';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  CLOSE_BUDGET_MS, closeChromium, killByProfileDir, launchChromium, newProfileDir, withTimeout,
} from './chromium.mjs';

const require = createRequire(import.meta.url);
const POLL_MS = 100;
const REQUEST_LOG = process.env.PLAY_HLS_REQUESTS || null;
const T0 = Date.now();

function logLine(entry) {
  if (REQUEST_LOG) fs.appendFileSync(REQUEST_LOG, JSON.stringify(entry) + '\n');
}

// Records every request of page to another origin than the page's own (the HLS server).
function logRequests(page, name, pagePort) {
  const asked = new Map();
  const ours = (r) => !r.url().startsWith(`http://127.0.0.1:${pagePort}/`);
  page.on('request', (r) => { if (ours(r)) asked.set(r, Date.now() - T0); });
  const done = (r, fields) => {
    if (!asked.has(r)) return;
    const at = asked.get(r);
    asked.delete(r);
    const now = Date.now() - T0;
    logLine({ case: name, url: r.url(), askedMs: at, answeredMs: now, ms: now - at, ...fields });
  };
  page.on('requestfinished', async (r) => {
    let status = null;
    try { const resp = await r.response(); status = resp ? resp.status() : null; } catch { /* page gone */ }
    done(r, { status });
  });
  page.on('requestfailed', (r) => done(r, { failure: r.failure() ? r.failure().errorText : 'unknown' }));
}

function usage(message) {
  process.stderr.write(`play-hls: ${message}\n`
    + 'usage: node play-hls.mjs MIN_FRAMES OVERALL_MS NAME,LL,URL [NAME,LL,URL ...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const [min, overall, ...rest] = argv;
  const minFrames = Number(min);
  const overallMs = Number(overall);
  if (!Number.isInteger(minFrames) || minFrames <= 0 || !Number.isInteger(overallMs) || overallMs <= 0) {
    usage('MIN_FRAMES and OVERALL_MS must be positive integers');
  }
  if (rest.length === 0) usage('no stream to play');
  const cases = rest.map((c) => {
    const first = c.indexOf(',');
    const second = c.indexOf(',', first + 1);
    if (first < 0 || second < 0) usage(`not NAME,LL,URL: ${c}`);
    const url = c.slice(second + 1);
    try {
      new URL(url);
    } catch {
      usage(`not a URL: ${url}`);
    }
    // LL is 0 or 1, optionally followed by +RATE: hls.js's maxLiveSyncPlaybackRate (default 1).
    const [ll, rate = '1'] = c.slice(first + 1, second).split('+');
    if (!['0', '1'].includes(ll) || !(Number(rate) >= 1)) usage(`LL must be 0 or 1, optionally +RATE (>= 1): ${c}`);
    return { name: c.slice(0, first), lowLatency: ll === '1', rate: Number(rate), url };
  });
  return { minFrames, overallMs, cases };
}

// The page under test: hls.js on a <video>; everything it learns goes into window.__play.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>play-hls</title></head>
<body>
<video id="v" muted autoplay playsinline></video>
<script src="/hls.js"></script>
<script>
(function () {
  var state = window.__play = { errors: [], msToFirstFrame: null, latency: null, nonFatal: 0, lastNonFatal: null,
    nonFatalLog: [] };
  function error(where, detail) { state.errors.push(where + ': ' + detail); }
  window.addEventListener('error', function (e) { error('page', e.message); });
  window.addEventListener('unhandledrejection', function (e) { error('page', String(e.reason)); });
  var q = new URLSearchParams(location.search);
  var video = document.getElementById('v');
  var poll = setInterval(function () {
    if (video.getVideoPlaybackQuality().totalVideoFrames > 0 && state.msToFirstFrame === null) {
      state.msToFirstFrame = Math.round(performance.now());
    }
  }, 4);
  video.addEventListener('error', function () {
    var e = video.error;
    error('video', e ? (e.code + ' ' + e.message) : 'unknown');
  });
  if (typeof Hls === 'undefined') { error('page', 'hls.js did not load'); return; }
  if (!Hls.isSupported()) { error('page', 'no MSE in this browser'); return; }
  var hls = new Hls({ lowLatencyMode: q.get('ll') === '1', maxLiveSyncPlaybackRate: Number(q.get('rate') || 1) });
  hls.on(Hls.Events.ERROR, function (event, data) {
    if (data.fatal) {
      error('hls.js fatal', data.type + ' ' + data.details + (data.response ? ' ' + data.response.code : ''));
    } else {
      state.nonFatal++;
      state.lastNonFatal = data.details;
      var ctx = data.context || {};
      state.nonFatalLog.push({ atMs: Math.round(performance.now()), hlsError: data.details,
        url: ctx.url || data.url || (data.frag && data.frag.url) || null });
    }
  });
  setInterval(function () { if (typeof hls.latency === 'number') state.latency = hls.latency; }, 100);
  hls.loadSource(q.get('url'));
  hls.attachMedia(video);
  var played = video.play();
  if (played && played.catch) played.catch(function (e) { error('play', String(e)); });
})();
</script>
</body></html>
`;

function servePage() {
  const hlsFile = require.resolve('hls.js/dist/hls.min.js');
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url, 'http://page').pathname;
    if (pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(PAGE);
    } else if (pathname === '/hls.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      fs.createReadStream(hlsFile).pipe(res);
    } else {
      res.writeHead(pathname === '/favicon.ico' ? 204 : 404);
      res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Plays one case in a page of its own until it has the frames, an error or the budget is spent.
async function playCase(browser, port, c, args, started) {
  const r = {
    name: c.name, url: c.url, lowLatency: c.lowLatency, ok: false, totalVideoFrames: 0, droppedVideoFrames: 0,
    msToFirstFrame: null, latency: null, nonFatalErrors: 0, errors: [],
  };
  try {
    const page = await browser.newPage();
    page.on('crash', () => r.errors.push('browser: page crashed'));
    if (REQUEST_LOG) logRequests(page, c.name, port);
    const navigated = Date.now() - T0;
    let nonFatalLogged = 0;
    await page.goto(`http://127.0.0.1:${port}/?ll=${c.lowLatency ? 1 : 0}&rate=${c.rate}&url=${encodeURIComponent(c.url)}`,
      { timeout: args.overallMs });
    for (;;) {
      const s = await page.evaluate(() => {
        const q = document.getElementById('v').getVideoPlaybackQuality();
        const p = window.__play || { errors: ['page: script did not run'] };
        return { total: q.totalVideoFrames, dropped: q.droppedVideoFrames, p };
      });
      r.totalVideoFrames = s.total;
      r.droppedVideoFrames = s.dropped;
      r.msToFirstFrame = s.p.msToFirstFrame;
      r.latency = s.p.latency;
      r.nonFatalErrors = s.p.nonFatal;
      if (s.p.lastNonFatal) r.lastNonFatal = s.p.lastNonFatal;
      for (; nonFatalLogged < (s.p.nonFatalLog || []).length; nonFatalLogged++) {
        const e = s.p.nonFatalLog[nonFatalLogged];
        // performance.now() in the page counts from its navigation.
        logLine({ case: c.name, ...e, atMs: navigated + e.atMs });
      }
      if (s.p.errors.length > 0) {
        r.errors.push(...s.p.errors);
        break;
      }
      if (s.total >= args.minFrames) break;
      if (Date.now() - started > args.overallMs) {
        r.errors.push(`harness: ${s.total} frames after ${args.overallMs} ms`);
        break;
      }
      await sleep(POLL_MS);
    }
    await withTimeout(page.close(), CLOSE_BUDGET_MS);
  } catch (e) {
    r.errors.push(`harness: ${e && e.message ? e.message.split('\n')[0] : String(e)}`);
  }
  r.ok = r.errors.length === 0 && r.totalVideoFrames >= args.minFrames;
  return r;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const result = { ok: false, browser: null, elapsedMs: 0, errors: [], results: [] };
  let printed = false;
  const print = () => {
    if (printed) return;
    printed = true;
    result.elapsedMs = Date.now() - started;
    result.ok = result.errors.length === 0 && result.results.length === args.cases.length
      && result.results.every((r) => r.ok);
    process.stdout.write(JSON.stringify(result) + '\n');
  };
  const profileDir = newProfileDir('play-hls');
  const watchdog = setTimeout(() => {
    result.errors.push('harness: watchdog expired');
    killByProfileDir(profileDir);
    print();
    process.exit(1);
  }, args.overallMs + 4 * CLOSE_BUDGET_MS);
  let server;
  let browser;
  try {
    server = await servePage();
    browser = await launchChromium(profileDir);
    result.browser = browser.version();
    const port = server.address().port;
    result.results = await Promise.all(args.cases.map((c) => playCase(browser, port, c, args, started)));
  } catch (e) {
    result.errors.push(`harness: ${e && e.message ? e.message.split('\n')[0] : String(e)}`);
  } finally {
    if (!(await closeChromium(browser, profileDir))) {
      result.errors.push('harness: browser did not close in time; killed');
    }
    if (server) {
      server.closeAllConnections();
      await withTimeout(new Promise((resolve) => server.close(resolve)), CLOSE_BUDGET_MS);
    }
    clearTimeout(watchdog);
  }
  print();
  process.exit(result.ok ? 0 : 1);
}

main();
