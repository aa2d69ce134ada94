// Plays one live FLV stream (HTTP-FLV or WebSocket-FLV) with mpegts.js in Debian's headless
// Chromium and prints ONE JSON line saying whether the <video> decoded frames.
//
//   node play-flv.mjs URL [http|ws] [MIN_FRAMES=60] [AFTER_FIRST_FRAME_MS=5000] [OVERALL_MS=15000]
//
// URL is the stream, e.g. http://127.0.0.1:8080/live/x.flv; the mode picks the transport and the
// URL's scheme is switched to match (http->ws for ws), so a caller can pass one URL for both.
// The page comes from this script's own HTTP server on another port of 127.0.0.1, so the stream
// is fetched cross-origin and the server's CORS answer is part of what is tested.
//
// Output: {"ok":..,"mode":..,"url":..,"totalVideoFrames":..,"droppedVideoFrames":..,
//          "msToFirstFrame":..,"elapsedMs":..,"browser":..,"errors":[..]}
// msToFirstFrame is measured inside the page from navigation start (performance.now()) to the
// first decoded frame, so the node<->browser plumbing is not part of it.
// Exit status 0 only when totalVideoFrames >= MIN_FRAMES and there was no error; 1 otherwise;
// 2 on bad arguments. The browser and the page server are always closed (bounded), and a
// watchdog ends the whole script if anything hangs.
//
// Environment: CHROMIUM (default /usr/bin/chromium); MPEGTS_CONFIG, a JSON object passed to
// mpegts.createPlayer as its config (default: mpegts.js's defaults), for experiments.
// A failed run also reports the <video>'s state ("video") and the page's last warnings ("console").

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import {
  CLOSE_BUDGET_MS, closeChromium, killByProfileDir, launchChromium, newProfileDir, withTimeout,
} from './chromium.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

const POLL_MS = 100;

function usage(message) {
  process.stderr.write(`play-flv: ${message}\n`
    + 'usage: node play-flv.mjs URL [http|ws] [MIN_FRAMES=60] [AFTER_FIRST_FRAME_MS=5000] [OVERALL_MS=15000]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const [url, mode = 'http', min = '60', after = '5000', overall = '15000'] = argv;
  if (!url) usage('missing URL');
  if (mode !== 'http' && mode !== 'ws') usage(`mode must be http or ws, not ${mode}`);
  const numbers = [min, after, overall].map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n <= 0)) usage('MIN_FRAMES and the timeouts must be positive integers');
  let streamUrl;
  try {
    streamUrl = new URL(url);
  } catch {
    usage(`not a URL: ${url}`);
  }
  const secure = streamUrl.protocol === 'https:' || streamUrl.protocol === 'wss:';
  streamUrl.protocol = mode === 'ws' ? (secure ? 'wss:' : 'ws:') : (secure ? 'https:' : 'http:');
  return { url: streamUrl.toString(), mode, minFrames: numbers[0], afterFirstFrameMs: numbers[1], overallMs: numbers[2] };
}

// The page under test. It records everything in window.__play so the script only reads state;
// the first frame is caught by a 4 ms poll and by requestVideoFrameCallback, whichever fires
// first, so the figure is not tied to the script's slower poll.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>play-flv</title></head>
<body>
<video id="v" muted autoplay playsinline></video>
<script src="/mpegts.js"></script>
<script>
(function () {
  var state = window.__play = { errors: [], msToFirstFrame: null, marks: {} };
  function error(where, detail) { state.errors.push(where + ': ' + detail); }
  window.addEventListener('error', function (e) { error('page', e.message); });
  window.addEventListener('unhandledrejection', function (e) { error('page', String(e.reason)); });
  var q = new URLSearchParams(location.search);
  var video = document.getElementById('v');
  function firstFrame() {
    if (state.msToFirstFrame === null) state.msToFirstFrame = Math.round(performance.now());
  }
  var poll = setInterval(function () {
    if (video.getVideoPlaybackQuality().totalVideoFrames > 0) { firstFrame(); clearInterval(poll); }
  }, 4);
  if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(firstFrame);
  video.addEventListener('error', function () {
    var e = video.error;
    error('video', e ? (e.code + ' ' + e.message) : 'unknown');
  });
  if (typeof mpegts === 'undefined') { error('page', 'mpegts.js did not load'); return; }
  if (!mpegts.getFeatureList().mseLivePlayback) { error('page', 'no MSE live playback in this browser'); return; }
  // Marks (ms since navigation start) say where the time to the first frame goes.
  var marks = state.marks = {};
  function mark(name) { if (!(name in marks)) marks[name] = Math.round(performance.now()); }
  ['loadedmetadata', 'loadeddata', 'waiting', 'seeking', 'playing'].forEach(function (name) {
    video.addEventListener(name, function () { mark(name); });
  });
  var config = q.get('config') ? JSON.parse(q.get('config')) : undefined;
  mark('player');
  var player = mpegts.createPlayer({ type: 'flv', isLive: true, url: q.get('url') }, config);
  player.on(mpegts.Events.MEDIA_INFO, function () { mark('mediaInfo'); });
  player.on(mpegts.Events.ERROR, function (type, detail, info) {
    error('mpegts', type + ' ' + detail + ' ' + JSON.stringify(info));
  });
  player.attachMediaElement(video);
  player.load();
  var played = player.play();
  if (played && played.catch) played.catch(function (e) { error('play', String(e)); });
})();
</script>
</body></html>
`;

function servePage() {
  const mpegtsFile = require.resolve('mpegts.js/dist/mpegts.js');
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url, 'http://page').pathname;
    if (pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(PAGE);
    } else if (pathname === '/mpegts.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      fs.createReadStream(mpegtsFile).pipe(res);
    } else if (pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const result = {
    ok: false, mode: args.mode, url: args.url, totalVideoFrames: 0, droppedVideoFrames: 0,
    msToFirstFrame: null, msFromPlayerToFirstFrame: null, elapsedMs: 0, browser: null, errors: [],
  };
  let printed = false;
  const print = () => {
    if (printed) return;
    printed = true;
    result.elapsedMs = Date.now() - started;
    result.ok = result.errors.length === 0 && result.totalVideoFrames >= args.minFrames;
    process.stdout.write(JSON.stringify(result) + '\n');
  };
  const profileDir = newProfileDir('play-flv');
  // Anything hanging past the budget still ends with one JSON line and no browser left behind.
  const watchdog = setTimeout(() => {
    result.errors.push('harness: watchdog expired');
    killByProfileDir(profileDir);
    print();
    process.exit(1);
  }, args.overallMs + 4 * CLOSE_BUDGET_MS);

  let server;
  let browser;
  let pageForDiagnosis = null;
  let consoleForDiagnosis = [];
  try {
    server = await servePage();
    browser = await launchChromium(profileDir);
    result.browser = browser.version();
    const page = await browser.newPage();
    page.on('crash', () => result.errors.push('browser: page crashed'));
    // mpegts.js says what it is doing at warning level (e.g. the startup stall jumper's seek);
    // the last few lines go into a failed run's output.
    const consoleLines = [];
    page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') consoleLines.push(`${m.type()}: ${m.text()}`.slice(0, 300));
      if (consoleLines.length > 20) consoleLines.shift();
    });
    let pageUrl = `http://127.0.0.1:${server.address().port}/?url=${encodeURIComponent(args.url)}`;
    if (process.env.MPEGTS_CONFIG) pageUrl += `&config=${encodeURIComponent(process.env.MPEGTS_CONFIG)}`;
    await page.goto(pageUrl, { timeout: args.overallMs });
    pageForDiagnosis = page;
    consoleForDiagnosis = consoleLines;

    let firstFrameAt = null;
    for (;;) {
      const s = await page.evaluate(() => {
        const q = document.getElementById('v').getVideoPlaybackQuality();
        const p = window.__play || { errors: ['page: script did not run'], msToFirstFrame: null };
        return { total: q.totalVideoFrames, dropped: q.droppedVideoFrames, errors: p.errors, first: p.msToFirstFrame, marks: p.marks };
      });
      result.totalVideoFrames = s.total;
      result.droppedVideoFrames = s.dropped;
      result.msToFirstFrame = s.first;
      result.msFromPlayerToFirstFrame = s.first === null || !s.marks ? null : s.first - s.marks.player;
      result.marks = s.marks;
      if (s.errors.length > 0) {
        result.errors.push(...s.errors);
        break;
      }
      if (s.total >= args.minFrames) break;
      const now = Date.now();
      if (s.total > 0 && firstFrameAt === null) firstFrameAt = now;
      if (firstFrameAt !== null && now - firstFrameAt > args.afterFirstFrameMs) {
        result.errors.push(`harness: only ${s.total} frames ${args.afterFirstFrameMs} ms after the first`);
        break;
      }
      if (now - started > args.overallMs) {
        result.errors.push(`harness: ${s.total} frames after ${args.overallMs} ms`);
        break;
      }
      await sleep(POLL_MS);
    }
  } catch (e) {
    result.errors.push(`harness: ${e && e.message ? e.message.split('\n')[0] : String(e)}`);
  } finally {
    if (result.errors.length > 0 && pageForDiagnosis) {
      // Where the media element stood when the run failed: enough to tell a stream that never
      // came from one the browser could not start.
      result.video = await Promise.race([
        pageForDiagnosis.evaluate(() => {
          const v = document.getElementById('v');
          const ranges = [];
          for (let i = 0; i < v.buffered.length; i++) ranges.push([v.buffered.start(i), v.buffered.end(i)]);
          return { currentTime: v.currentTime, readyState: v.readyState, networkState: v.networkState, paused: v.paused, buffered: ranges };
        }).catch((e) => String(e)),
        sleep(CLOSE_BUDGET_MS).then(() => 'no answer'),
      ]);
      result.console = consoleForDiagnosis;
    }
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
