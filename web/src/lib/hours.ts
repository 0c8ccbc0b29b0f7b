import type { OpeningRange } from '../graphql/fragments';

/** Monday first, as most business calendars show it; values are the API's weekdays (0 = Sunday). */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SHORT_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export interface TimeZoneGroup { label: string; zones: { value: string; label: string }[] }

let zoneCache: TimeZoneGroup[] | null = null;

/** Every IANA zone the browser knows, grouped by region, each labelled with its current UTC offset. */
export function timeZoneGroups(): TimeZoneGroup[] {
  if (zoneCache) return zoneCache;
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = ['Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney'];
  }
  const groups = new Map<string, TimeZoneGroup>();
  for (const zone of zones) {
    const slash = zone.indexOf('/');
    const region = slash === -1 ? 'Other' : zone.slice(0, slash);
    let group = groups.get(region);
    if (!group) groups.set(region, (group = { label: region, zones: [] }));
    group.zones.push({ value: zone, label: zoneLabel(zone) });
  }
  zoneCache = [...groups.values()].sort((a, b) => a.label.localeCompare(b.label));
  return zoneCache;
}

/** "Europe/Berlin (GMT+01:00)"; the offset is today's, so it follows daylight saving time. */
export function zoneLabel(zone: string): string {
  const offset = utcOffset(zone);
  return offset ? `${zone.replace(/_/g, ' ')} (${offset})` : zone.replace(/_/g, ' ');
}

function utcOffset(zone: string): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(new Date())
      .find((p) => p.type === 'timeZoneName')?.value;
    return part === 'GMT' ? 'GMT+00:00' : (part ?? '');
  } catch {
    return '';
  }
}

/** The weekday (0 = Sunday), minutes since midnight and a display string, in `zone`. */
export function localTime(at: Date, zone: string): { weekday: number; minutes: number; label: string } | null {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const weekday = SHORT_WEEKDAYS.indexOf(part('weekday'));
    const hour = Number(part('hour'));
    const minute = Number(part('minute'));
    return { weekday, minutes: hour * 60 + minute, label: `${WEEKDAY_NAMES[weekday]} ${part('hour')}:${part('minute')}` };
  } catch {
    return null;
  }
}

export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** The same rule the bot applies: open when `at` falls in one of the day's ranges (close exclusive). */
export function isOpenAt(ranges: OpeningRange[] | null, zone: string, at: Date): boolean | null {
  if (ranges === null) return true;
  const local = localTime(at, zone);
  if (!local) return null;
  return ranges.some((r) => r.weekday === local.weekday && local.minutes >= toMinutes(r.open) && local.minutes < toMinutes(r.close));
}
