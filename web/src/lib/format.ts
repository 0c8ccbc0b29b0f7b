import { createSignal } from 'solid-js';

const [now, setNow] = createSignal(Date.now());
setInterval(() => setNow(Date.now()), 30_000);

/** A clock that ticks every 30 s, so relative times stay fresh without re-fetching. */
export { now };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "now", "5m", "3h", "Yesterday", "Mon", "12 Mar" — like a chat list. */
export function relativeTime(iso: string | null | undefined, at = now()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  const diff = at - t;
  if (diff < MINUTE) return 'now';
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)}m`;
  if (isSameDay(t, at)) return `${Math.floor(diff / HOUR)}h`;
  if (isSameDay(t, at - DAY)) return 'Yesterday';
  if (diff < 6 * DAY) return new Date(t).toLocaleDateString(undefined, { weekday: 'short' });
  return new Date(t).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Day separators in a thread: "Today", "Yesterday", or a date. */
export function dayLabel(iso: string, at = now()): string {
  const t = new Date(iso).getTime();
  if (isSameDay(t, at)) return 'Today';
  if (isSameDay(t, at - DAY)) return 'Yesterday';
  return new Date(t).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

function isSameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

export function initials(name: string | null | undefined, fallback: string): string {
  const source = (name ?? '').trim();
  if (!source) return fallback.replace(/\D/g, '').slice(-2) || '#';
  const parts = source.split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

const AVATAR_HUES = [158, 200, 262, 24, 338, 190, 45, 290];

export function avatarHue(key: string): number {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return AVATAR_HUES[h % AVATAR_HUES.length];
}

export function sameDigits(a: string, b: string): boolean {
  return a.replace(/\D/g, '') === b.replace(/\D/g, '');
}

/** "4m", "2h 5m", "3d": a compact duration. */
export function shortDuration(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / MINUTE));
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/**
 * The red SLA badge: "Waiting 12m" counts from the customer's unanswered message (the breach time
 * minus the SLA); without a known SLA it just says "SLA".
 */
export function slaBadge(breachedAt: string, slaSeconds: number | null | undefined, at = now()): { text: string; title: string } {
  const breached = new Date(breachedAt).getTime();
  const title = `No agent reply within the response time target (missed at ${clockTime(breachedAt)})`;
  if (!slaSeconds) return { text: 'SLA', title };
  return { text: `Waiting ${shortDuration(at - (breached - slaSeconds * 1000))}`, title };
}
