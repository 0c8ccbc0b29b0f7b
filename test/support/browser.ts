/** Debian's Chromium under playwright-core, with the flags this closed network needs, and what a failed browser test leaves behind. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_ROOT } from './services-env';
import type { PlatformProcess } from './platform';

export const SCREENSHOTS = resolve(TEST_ROOT, '.data/screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Without the background-networking flags Chromium keeps dialling hosts this machine cannot reach.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Runs a browser scenario; on failure saves a screenshot and prints the browser console and the server's output. */
export async function withFailureReport(name: string, scenario: () => Promise<void>, page: () => Page | undefined, platform: () => PlatformProcess | undefined, browserLog: string[]): Promise<void> {
  try {
    await scenario();
  } catch (err) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page()?.screenshot({ path: resolve(SCREENSHOTS, `${name}-failure.png`) }).catch(() => undefined);
    console.error(`Browser console:\n${browserLog.join('\n')}\n\nServer output (tail):\n${platform()?.output().slice(-6000) ?? ''}`);
    throw err;
  }
}
