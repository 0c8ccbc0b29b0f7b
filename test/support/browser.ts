/** Debian's Chromium under playwright-core, with the flags this closed network needs, and what a failed browser test leaves behind. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_ROOT } from './services-env';
import { startPlatform, type PlatformProcess, type StartOptions } from './platform';
import { startFakeGraphApi, type FakeGraphApi } from './fake-graph-api';

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
    const controls = await page()?.evaluate(describeControls).catch(() => 'unavailable');
    console.error(`Browser console:\n${browserLog.join('\n')}\n\nPage: ${page()?.url()}\nControls:\n${controls}\n\nServer output (tail):\n${platform()?.output().slice(-6000) ?? ''}`);
    throw err;
  }
}

/** Runs in the page: every form control with a test id, its value and whether it is disabled (a screenshot CI cannot show). */
function describeControls(): string {
  return [...document.querySelectorAll<HTMLInputElement>('input[data-testid], button[data-testid], select[data-testid], textarea[data-testid]')]
    .map((el) => `${el.dataset.testid}${el.disabled ? ' (disabled)' : ''}${el.value ? ` = ${JSON.stringify(el.value.slice(0, 60))}` : ''}`)
    .join('\n');
}

export interface BrowserSuite {
  /** The platform the suite started (valid inside tests). */
  readonly platform: PlatformProcess;
  /** A desktop-sized page whose console goes into the failure report. */
  newPage(timeoutMs: number): Promise<Page>;
  /** Runs a scenario under withFailureReport, with the suite's last page and platform. */
  run(name: string, scenario: () => Promise<void>): Promise<void>;
  /** Saves a screenshot of the page as .data/screenshots/<name>.png. */
  screenshot(page: Page, name: string): Promise<void>;
}

/**
 * A browser test file's set-up: the platform and Chromium started before its tests, stopped after.
 * `platformOptions` is read when the platform starts (after the file's earlier beforeAll hooks).
 */
export function browserSuite(platformOptions: () => StartOptions = () => ({})): BrowserSuite {
  let platform: PlatformProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const browserLog: string[] = [];
  beforeAll(async () => {
    platform = await startPlatform(platformOptions());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });
  return {
    get platform() {
      if (!platform) throw new Error('the platform starts in beforeAll');
      return platform;
    },
    async newPage(timeoutMs) {
      page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
      page.setDefaultTimeout(timeoutMs);
      page.on('console', (m) => browserLog.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.message}`));
      return page;
    },
    run: (name, scenario) => withFailureReport(name, scenario, () => page, () => platform, browserLog),
    async screenshot(target, name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await target.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`) });
    },
  };
}

/** Signs in and returns once the attempt has settled: on the inbox, or showing why not (a click before that may be overridden by the landing). */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
  await Promise.any([page.waitForURL(/\/inbox(\/|$)/), page.getByTestId('auth-error').waitFor()]);
}

/** The approved template both Cloud API browser suites find synced on the fake WABA. */
export const ORDER_READY_TEMPLATE = { name: 'order_ready', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} is ready' }] };

/**
 * A browser suite whose platform talks to a fake, wire-compatible Graph API (started first) with
 * one phone number and `order_ready` approved on its business account.
 */
export function cloudApiBrowserSuite(account: { token: string; phoneNumberId: string; waba: string }): BrowserSuite & { readonly graph: FakeGraphApi } {
  let graph: FakeGraphApi | undefined;
  beforeAll(async () => {
    graph = await startFakeGraphApi();
    graph.addPhoneNumber(account.phoneNumberId, account.token);
    graph.setTemplates(account.waba, [ORDER_READY_TEMPLATE]);
  });
  afterAll(() => graph?.close());
  const suite = browserSuite(() => ({ env: { GRAPH_API_URL: graph!.url, PUBLIC_URL: 'https://parley.example' } }));
  return Object.defineProperties(suite, {
    graph: {
      get() {
        if (!graph) throw new Error('the fake Graph API starts in beforeAll');
        return graph;
      },
    },
  }) as BrowserSuite & { readonly graph: FakeGraphApi };
}
