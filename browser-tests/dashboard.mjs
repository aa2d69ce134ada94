// Drives the master's dashboard in Debian's headless Chromium for DashboardIT:
//
//   node dashboard.mjs DASHBOARD_URL STREAM SCREENSHOT [OVERALL_MS=30000]
//
// 1. opens DASHBOARD_URL and prints {"ready":true} once the page has rendered its first poll;
// 2. waits for the streams table to show STREAM with a bitrate above 0 and notes the wall-clock
//    time it first did (seenAtMs, Date.now() in the page: the caller compares it with the time it
//    started the publisher);
// 3. clicks the stream's preview button and waits for the preview <video> to have decoded at
//    least 10 frames (HTTP-FLV from the workers through mpegts.js);
// 4. waits for a client row with role "player" over RTMP, saves a screenshot to SCREENSHOT, clicks
//    that row's kick button and waits for the row to go;
// then prints one JSON line:
// {"ok":..,"seenAtMs":..,"kbps":..,"previewFrames":..,"kicked":"<client id>","errors":[..]}.
// Exit status 0 when all four steps worked, 1 otherwise, 2 on bad arguments. The browser is
// always closed (bounded) and a watchdog ends the script if anything hangs.
//
// Environment: CHROMIUM (default /usr/bin/chromium).

import {
  CLOSE_BUDGET_MS, closeChromium, killByProfileDir, launchChromium, newProfileDir,
} from './chromium.mjs';

const [url, stream, screenshot, overallArg = '30000'] = process.argv.slice(2);
if (!url || !stream || !screenshot) {
  process.stderr.write('usage: node dashboard.mjs DASHBOARD_URL STREAM SCREENSHOT [OVERALL_MS=30000]\n');
  process.exit(2);
}
const overallMs = Number(overallArg);

async function main() {
  const result = { ok: false, seenAtMs: null, kbps: null, previewFrames: null, kicked: null, errors: [] };
  let printed = false;
  const print = () => {
    if (printed) return;
    printed = true;
    result.ok = result.errors.length === 0 && result.seenAtMs !== null && result.previewFrames >= 10
      && result.kicked !== null;
    process.stdout.write(JSON.stringify(result) + '\n');
  };
  const profileDir = newProfileDir('dashboard');
  const watchdog = setTimeout(() => {
    result.errors.push('harness: watchdog expired');
    killByProfileDir(profileDir);
    print();
    process.exit(1);
  }, overallMs + 4 * CLOSE_BUDGET_MS);
  let browser;
  try {
    browser = await launchChromium(profileDir);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (e) => result.errors.push('page: ' + e.message));
    await page.goto(url, { timeout: overallMs });
    await page.waitForFunction(() => document.getElementById('summary').textContent.startsWith('v'), null,
      { timeout: overallMs, polling: 50 });
    process.stdout.write(JSON.stringify({ ready: true }) + '\n');

    // Polled every 50 ms in the page; the time is taken there, when the row first qualifies.
    const seen = await page.waitForFunction((name) => {
      const tr = [...document.querySelectorAll('#streams tbody tr')].find((r) => r.dataset.stream === name);
      return tr && Number(tr.dataset.kbps) > 0 ? { at: Date.now(), kbps: Number(tr.dataset.kbps) } : null;
    }, stream, { timeout: overallMs, polling: 50 });
    const s = await seen.jsonValue();
    result.seenAtMs = s.at;
    result.kbps = s.kbps;

    await page.click(`#streams tbody tr[data-stream="${stream}"] button.preview`);
    const frames = await page.waitForFunction(() => {
      const n = document.getElementById('preview').getVideoPlaybackQuality().totalVideoFrames;
      return n >= 10 ? n : null;
    }, null, { timeout: overallMs, polling: 100 });
    result.previewFrames = await frames.jsonValue();

    // The preview is a player too (http-flv): the one to kick is the RTMP player the test started.
    const playerRow = await page.waitForFunction(() => [...document.querySelectorAll('#clients tbody tr')]
      .find((r) => r.children[4].textContent === 'player' && r.children[3].textContent === 'rtmp')?.dataset.client
      || null, null, { timeout: overallMs, polling: 100 });
    const id = await playerRow.jsonValue();
    // A few more polls so the charts have a line to show.
    await page.waitForTimeout(3000);
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.click(`#clients tbody tr[data-client="${id}"] button.kick`);
    await page.waitForFunction((cid) => !document.querySelector(`#clients tbody tr[data-client="${cid}"]`), id,
      { timeout: overallMs, polling: 100 });
    result.kicked = id;
  } catch (e) {
    result.errors.push('harness: ' + String(e.message || e).split('\n')[0]);
  } finally {
    if (!(await closeChromium(browser, profileDir))) {
      result.errors.push('harness: browser did not close in time; killed');
    }
    clearTimeout(watchdog);
  }
  print();
  process.exit(result.ok ? 0 : 1);
}

main();
