// Launching and closing Debian's headless Chromium for the browser tests, in one place:
// play-flv.mjs, play-hls.mjs and dashboard.mjs all use it.
//
// Each launch gets a fresh profile directory (--user-data-dir) under $TMPDIR, so nothing of an
// earlier run is reused and every process of this browser can be found by that directory: if
// Playwright cannot close the browser in time, killByProfileDir ends whatever still names it.
//
// Environment: CHROMIUM (default /usr/bin/chromium).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The project's launch flags (README, Tests), exactly; only the profile dir and the pipe
// Playwright talks over are added (Playwright's own defaults are switched off so nothing else
// sneaks in).
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const CLOSE_BUDGET_MS = 5000;

// A fresh profile directory whose name starts with prefix.
export function newProfileDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

// Starts Chromium on profileDir; resolves to Playwright's Browser.
export async function launchChromium(profileDir) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    ignoreDefaultArgs: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${profileDir}`, '--remote-debugging-pipe'],
    timeout: CLOSE_BUDGET_MS * 2,
  });
}

// Last resort if Playwright cannot close the browser in time: every process whose command line
// names our private profile dir is ours, and nothing else is.
export function killByProfileDir(profileDir) {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--user-data-dir=${profileDir}`)) {
        process.kill(Number(pid), 'SIGKILL');
      }
    } catch {
      // gone already, or not readable: not ours
    }
  }
}

// True when promise settled (either way) within ms.
export function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise.then(() => true, () => false),
    new Promise((resolve) => { timer = setTimeout(() => resolve(false), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// Closes the browser (bounded), kills whatever is left of it and removes its profile; returns
// false when the browser did not close in time.
export async function closeChromium(browser, profileDir) {
  const closed = !browser || await withTimeout(browser.close(), CLOSE_BUDGET_MS);
  killByProfileDir(profileDir);
  fs.rmSync(profileDir, { recursive: true, force: true });
  return closed;
}
