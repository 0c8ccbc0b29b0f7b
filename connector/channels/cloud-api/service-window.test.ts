import type { OutboundContent } from '../port';
import { SERVICE_WINDOW_MS, windowAllows, windowExpiresAt } from './service-window';

const last = new Date('2026-12-01T10:00:00Z');
const template: OutboundContent = { kind: 'template', name: 'hello', language: 'en', variables: [] };

describe('the 24-hour customer-service window', () => {
  it('closes 24 hours after the customer\'s last message', () => {
    expect(windowExpiresAt(last)?.toISOString()).toBe('2026-12-02T10:00:00.000Z');
    expect(windowExpiresAt(null)).toBeNull();
  });

  it('lets free-form messages through inside it, not at or after its end', () => {
    expect(windowAllows(undefined, last, new Date(last.getTime() + SERVICE_WINDOW_MS - 1))).toBe(true);
    expect(windowAllows(undefined, last, new Date(last.getTime() + SERVICE_WINDOW_MS))).toBe(false);
    expect(windowAllows({ kind: 'media', media: 'image', url: 'https://x/y.jpg' }, last, new Date(last.getTime() + SERVICE_WINDOW_MS + 1))).toBe(false);
  });

  it('never opens for a conversation the customer did not start', () => {
    expect(windowAllows(undefined, null, last)).toBe(false);
  });

  it('always lets a template through', () => {
    expect(windowAllows(template, null, last)).toBe(true);
    expect(windowAllows(template, last, new Date(last.getTime() + 10 * SERVICE_WINDOW_MS))).toBe(true);
  });

});
