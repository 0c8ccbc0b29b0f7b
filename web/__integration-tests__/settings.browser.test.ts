import type { Page } from 'playwright-core';
import { browserSuite, signIn } from '../../test/support/browser';
import { createWorkspace, gql } from '../../test/support/platform';

const TIMEOUT = 30_000;
const OWNER_PASSWORD = 'correct horse battery';
const AWAY = 'We are closed right now, back on Monday!';
const AGENT_EMAIL = `agent-${Date.now()}@example.com`;
const AGENT_PASSWORD = 'agent password 123';

jest.setTimeout(120_000);

const suite = browserSuite();
let page: Page;

test('an owner sets business hours and an away message, adds an agent, and the agent cannot change settings', async () => {
  await suite.run('settings', settingsAndTeam);
});

async function settingsAndTeam(): Promise<void> {
  const workspace = await createWorkspace(suite.platform.url);

  page = await suite.newPage(TIMEOUT);

  await page.goto(suite.platform.url);
  await signInAs(workspace.email, OWNER_PASSWORD);
  await page.locator('[data-testid="viewer-role"][data-role="OWNER"]').waitFor();

  // Settings: an away message, and business hours that are closed today (UTC) — open only three days from now.
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-form').waitFor();
  await page.getByTestId('settings-away-message').fill(AWAY);
  await page.getByTestId('settings-time-zone').selectOption('UTC');
  await page.getByTestId('hours-custom').click();
  const today = new Date().getUTCDay();
  const openDay = (today + 3) % 7;
  for (let weekday = 0; weekday < 7; weekday++) await page.getByTestId(`hours-open-${weekday}`).setChecked(weekday === openDay);

  // A range that closes before it opens is flagged on the field, and nothing is saved.
  await page.getByTestId(`hours-${openDay}-0-close`).fill('08:00');
  await page.getByTestId('settings-save').click();
  await page.getByTestId(`error-hours-${openDay}-0`).waitFor();
  await page.getByTestId('settings-error').waitFor();
  await page.getByTestId(`hours-${openDay}-0-close`).fill('17:00');
  await page.locator('[data-testid="hours-status"][data-open="false"]').waitFor();

  // A response time target for human handover, with a fallback message.
  await page.getByTestId('settings-sla-enabled').setChecked(true);
  await page.getByTestId('settings-sla-minutes').fill('10');
  await page.getByTestId('settings-sla-fallback').fill('Sorry for the wait, an agent will be with you shortly.');

  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-saved').waitFor();
  const saved = await gql<{ botSettings: { awayMessage: string; timeZone: string; businessHours: unknown[]; humanSlaSeconds: number } }>(
    suite.platform.url, `{ botSettings { awayMessage timeZone businessHours { weekday open close } humanSlaSeconds } }`, {}, workspace.token);
  expect(saved.errors).toBeUndefined();
  expect(saved.data!.botSettings).toEqual({
    awayMessage: AWAY, timeZone: 'UTC', businessHours: [{ weekday: openDay, open: '09:00', close: '17:00' }], humanSlaSeconds: 600,
  });
  // The page scrolls inside the app frame: a tall viewport shows all of it.
  await page.setViewportSize({ width: 1440, height: 1700 });
  await suite.screenshot(page, 'settings');
  await page.setViewportSize({ width: 1440, height: 900 });

  // A customer writing now, outside business hours, gets the away message.
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('phone-panel').waitFor();
  await page.getByTestId('phone-input').fill('hello, anyone there?');
  await page.getByTestId('phone-send').click();
  await page.locator('[data-testid="phone-bubble"][data-direction="OUTBOUND"]', { hasText: AWAY }).waitFor();

  // Team: the owner adds an agent.
  await page.getByTestId('nav-team').click();
  await page.locator(`[data-testid="member-row"][data-email="${workspace.email}"][data-role="OWNER"]`).waitFor();
  await page.getByTestId('member-name').fill('Ada Agent');
  await page.getByTestId('member-email').fill(AGENT_EMAIL);
  await page.getByTestId('member-password').fill(AGENT_PASSWORD);
  await page.getByTestId('member-role-agent').check();
  await page.getByTestId('member-submit').click();
  await page.getByTestId('member-added').waitFor();
  await page.locator(`[data-testid="member-row"][data-email="${AGENT_EMAIL}"][data-role="AGENT"]`).waitFor();
  await suite.screenshot(page, 'team');

  // The agent signs in: settings are view only, with no save button, and the team form is not offered.
  await page.getByTestId('sign-out').click();
  await signInAs(AGENT_EMAIL, AGENT_PASSWORD);
  await page.locator('[data-testid="viewer-role"][data-role="AGENT"]').waitFor();
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-readonly').waitFor();
  expect(await page.getByTestId('settings-away-message').inputValue()).toBe(AWAY);
  expect(await page.getByTestId('settings-away-message').isDisabled()).toBe(true);
  expect(await page.getByTestId('settings-save').count()).toBe(0);
  await suite.screenshot(page, 'settings-agent');
  await page.getByTestId('nav-team').click();
  await page.getByTestId('team-readonly').waitFor();
  expect(await page.getByTestId('member-form').count()).toBe(0);
  await page.locator(`[data-testid="member-row"][data-email="${AGENT_EMAIL}"]`).waitFor();
  expect(await page.getByTestId('member-row').count()).toBe(2);

  // With a 2 s response time target, a customer left waiting in human mode gets the red badge until the agent replies.
  const sla = await gql(suite.platform.url, `mutation { updateBotSettings(input: { humanSlaSeconds: 2 }) { humanSlaSeconds } }`, {}, workspace.token);
  expect(sla.errors).toBeUndefined();
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('conversation-item').first().click();
  await page.getByTestId('take-over').click();
  await page.locator('[data-testid="thread-mode"][data-mode="HUMAN"]').waitFor();
  await page.getByTestId('phone-input').fill('still there?');
  await page.getByTestId('phone-send').click();
  await page.getByTestId('thread-sla').waitFor();
  const badge = page.locator('[data-testid="conversation-item"][data-sla-breached="true"] [data-testid="sla-badge"]');
  await badge.waitFor();
  expect(await badge.innerText()).toMatch(/^Waiting \d+m$/);
  await suite.screenshot(page, 'inbox-sla');
  await page.getByTestId('reply-input').fill('Sorry, here now!');
  await page.getByTestId('reply-send').click();
  await page.getByTestId('thread-sla').waitFor({ state: 'detached' });
  await badge.waitFor({ state: 'detached' });
}

async function signInAs(email: string, password: string): Promise<void> {
  await signIn(page, email, password);
  await page.getByTestId('nav-inbox').waitFor();
}
