/**
 * The composer's pure decisions: which audience the picker means, the createBroadcast input its form
 * makes (and the mistakes only the form can see, such as a schedule in the past), the variables a
 * message may use, and inserting one at the caret.
 */
import type { Broadcast, BroadcastAudience, CreateBroadcastInput } from '../../graphql/broadcasts';

export type AudienceMode = 'LABELS' | 'SEGMENT' | 'CONTACTS';
export type MessageKind = 'TEXT' | 'TEMPLATE';

export interface ComposerDraft {
  name: string;
  channelId: string;
  messageKind: MessageKind;
  text: string;
  templateName: string;
  templateLanguage: string;
  templateVariables: string[];
  audienceMode: AudienceMode;
  labelIds: string[];
  segmentId: string;
  contactIds: string[];
  schedule: 'NOW' | 'LATER';
  /** A `datetime-local` value (the browser's local time), '' when not chosen. */
  scheduledAt: string;
  /** As typed; '' means the channel's own pace. */
  ratePerMinute: string;
}

export function emptyDraft(): ComposerDraft {
  return {
    name: '', channelId: '', messageKind: 'TEXT', text: '', templateName: '', templateLanguage: 'en', templateVariables: [],
    audienceMode: 'LABELS', labelIds: [], segmentId: '', contactIds: [], schedule: 'NOW', scheduledAt: '', ratePerMinute: '',
  };
}

/** The form for a saved draft, as the composer edits it (the schedule in the browser's local time). */
export function draftOf(b: Broadcast): ComposerDraft {
  const a = b.audience;
  const at = b.scheduledAt ? new Date(b.scheduledAt) : null;
  return {
    ...emptyDraft(),
    name: b.name,
    channelId: b.channelId,
    messageKind: b.template ? 'TEMPLATE' : 'TEXT',
    text: b.text ?? '',
    templateName: b.template?.name ?? '',
    templateLanguage: b.template?.language ?? 'en',
    templateVariables: b.template?.variables ?? [],
    audienceMode: a.segmentId ? 'SEGMENT' : a.contactIds ? 'CONTACTS' : 'LABELS',
    labelIds: a.labelIds ?? [],
    segmentId: a.segmentId ?? '',
    contactIds: a.contactIds ?? [],
    schedule: at ? 'LATER' : 'NOW',
    scheduledAt: at ? localDateTime(at) : '',
    ratePerMinute: b.ratePerMinute ? String(b.ratePerMinute) : '',
  };
}

/** A `datetime-local` value for an instant, in the browser's time zone. */
export function localDateTime(at: Date): string {
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** The audience the picker shows, or null while nothing is chosen (no count to ask for). */
export function audienceOf(d: Pick<ComposerDraft, 'audienceMode' | 'labelIds' | 'segmentId' | 'contactIds'>): BroadcastAudience | null {
  if (d.audienceMode === 'LABELS') return d.labelIds.length ? { labelIds: d.labelIds } : null;
  if (d.audienceMode === 'SEGMENT') return d.segmentId ? { segmentId: d.segmentId } : null;
  return d.contactIds.length ? { contactIds: d.contactIds } : null;
}

export type DraftResult = { input: CreateBroadcastInput; errors?: undefined } | { input?: undefined; errors: Record<string, string> };

/**
 * The createBroadcast input for the draft. The server validates every field and names the one it
 * refuses; only what the server cannot know is checked here: a schedule chosen but empty or past,
 * a rate that is not a whole number. An unchosen audience is sent empty so the server's message says so.
 */
export function broadcastInput(d: ComposerDraft, now: Date): DraftResult {
  const errors: Record<string, string> = {};
  let scheduledAt: string | null = null;
  if (d.schedule === 'LATER') {
    const at = d.scheduledAt ? new Date(d.scheduledAt) : null;
    if (!at || Number.isNaN(at.getTime())) errors.scheduledAt = 'choose a date and time';
    else if (at.getTime() <= now.getTime()) errors.scheduledAt = 'must be in the future';
    else scheduledAt = at.toISOString();
  }
  let ratePerMinute: number | null = null;
  if (d.ratePerMinute.trim()) {
    const n = Number(d.ratePerMinute.trim());
    if (!Number.isInteger(n) || n < 1) errors.ratePerMinute = 'must be a whole number of messages per minute (1 or more)';
    else ratePerMinute = n;
  }
  if (Object.keys(errors).length) return { errors };
  const message =
    d.messageKind === 'TEXT'
      ? { text: d.text }
      : { template: { name: d.templateName.trim(), language: d.templateLanguage.trim(), variables: d.templateVariables } };
  return {
    input: { name: d.name, channelId: d.channelId, ...message, audience: audienceOf(d) ?? {}, scheduledAt, ratePerMinute },
  };
}

export interface VariableHint {
  token: string;
  label: string;
}

/** The variables a broadcast's text or template variables may use: the contact's name and phone, and each of the workspace's custom fields. */
export function variableHints(fields: { key: string; name: string }[]): VariableHint[] {
  return [
    { token: '{{contact.name}}', label: 'Name' },
    { token: '{{contact.phone}}', label: 'Phone' },
    ...fields.map((f) => ({ token: `{{contact.fields.${f.key}}}`, label: f.name })),
  ];
}

/** `text` with `token` in place of its selection [start, end), and where the caret goes after it. */
export function insertAt(text: string, start: number, end: number, token: string): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, text.length));
  const to = Math.max(from, Math.min(end, text.length));
  return { text: text.slice(0, from) + token + text.slice(to), caret: from + token.length };
}

/** Which composer section a server field error belongs to ("audience.labelIds" → "audience", "template.variables.1" → "template"). */
export function errorSection(field: string): string {
  const head = field.split('.')[0];
  return head === 'template' && field.startsWith('template.variables') ? 'template.variables' : field.startsWith('template.') ? field : head;
}
