import { createEffect, createMemo, createResource, createSignal, For, type JSX, on, Show } from 'solid-js';
import { createStore, reconcile, unwrap } from 'solid-js/store';
import { AlertIcon, CheckCircleIcon, ClockIcon, CloseIcon, HandIcon, LockIcon, PlusIcon, ReplyIcon } from '../components/Icons';
import { errorMessage, fieldErrors } from '../graphql/client';
import { fetchBotSettings, updateBotSettings } from '../graphql/operations';
import type { BotSettings, OpeningRange } from '../graphql/fragments';
import { now } from '../lib/format';
import { browserTimeZone, isOpenAt, localTime, timeZoneGroups, toMinutes, WEEK_ORDER, WEEKDAY_NAMES, zoneLabel } from '../lib/hours';
import { canManage, ROLE_INFO, useViewer } from '../lib/session';

interface RangeDraft { open: string; close: string }
interface DayDraft { open: boolean; ranges: RangeDraft[] }
interface SettingsDraft {
  defaultReply: string;
  awayMessage: string;
  timeZone: string;
  alwaysOpen: boolean;
  /** Indexed by the API's weekday, 0 = Sunday. */
  days: DayDraft[];
  slaEnabled: boolean;
  slaMinutes: string;
  slaFallbackMessage: string;
}
type SettingsInput = Omit<BotSettings, 'timeZone'> & { timeZone: string };
/** Field errors: the API's field names, with business hours as `hours.<weekday>.<range index>`. */
type Errors = Record<string, string>;

const NINE_TO_FIVE: RangeDraft = { open: '09:00', close: '17:00' };
const MAX_REPLY = 4096;

function emptyWeek(): DayDraft[] {
  return Array.from({ length: 7 }, () => ({ open: false, ranges: [] }));
}

function fromSettings(s: BotSettings): SettingsDraft {
  const days = emptyWeek();
  for (const r of s.businessHours ?? []) {
    const day = days[r.weekday];
    if (!day) continue;
    day.open = true;
    // 24:00 (end of day) shows as 00:00 in a time input.
    day.ranges.push({ open: r.open, close: r.close === '24:00' ? '00:00' : r.close });
  }
  for (const day of days) day.ranges.sort((a, b) => a.open.localeCompare(b.open));
  const sla = s.humanSlaSeconds;
  return {
    defaultReply: s.defaultReply ?? '',
    awayMessage: s.awayMessage ?? '',
    timeZone: s.timeZone,
    alwaysOpen: s.businessHours === null,
    days,
    slaEnabled: sla !== null,
    slaMinutes: sla === null ? '15' : String(Number((sla / 60).toFixed(2))),
    slaFallbackMessage: s.slaFallbackMessage ?? '',
  };
}

/** The draft as the API wants it; `order` maps each sent range back to its weekday and row. */
function toInput(d: SettingsDraft): { input: SettingsInput; order: { weekday: number; index: number }[] } {
  const order: { weekday: number; index: number }[] = [];
  const hours: OpeningRange[] = [];
  if (!d.alwaysOpen) {
    for (const weekday of WEEK_ORDER) {
      const day = d.days[weekday];
      if (!day.open) continue;
      day.ranges.forEach((r, index) => {
        order.push({ weekday, index });
        hours.push({ weekday, open: r.open, close: r.close === '00:00' ? '24:00' : r.close });
      });
    }
  }
  const minutes = Number(d.slaMinutes);
  return {
    order,
    input: {
      defaultReply: d.defaultReply.trim() || null,
      awayMessage: d.awayMessage.trim() || null,
      timeZone: d.timeZone.trim(),
      businessHours: d.alwaysOpen ? null : hours,
      humanSlaSeconds: d.slaEnabled ? Math.round(minutes * 60) : null,
      slaFallbackMessage: d.slaFallbackMessage.trim() || null,
    },
  };
}

/** The checks the API makes too, so most mistakes show before a round trip. */
function validateDraft(d: SettingsDraft): Errors {
  const errors: Errors = {};
  if (d.defaultReply.trim().length > MAX_REPLY) errors.defaultReply = `is longer than WhatsApp allows (${MAX_REPLY} characters)`;
  if (d.awayMessage.trim().length > MAX_REPLY) errors.awayMessage = `is longer than WhatsApp allows (${MAX_REPLY} characters)`;
  if (!d.timeZone.trim()) errors.timeZone = 'choose a time zone';
  if (!d.alwaysOpen) {
    d.days.forEach((day, weekday) => {
      if (!day.open) return;
      day.ranges.forEach((r, index) => {
        const key = `hours.${weekday}.${index}`;
        if (!r.open || !r.close) errors[key] = 'enter both times';
        else if (r.close !== '00:00' && toMinutes(r.open) >= toMinutes(r.close)) errors[key] = 'closes before it opens';
      });
    });
  }
  if (d.slaEnabled) {
    const minutes = Number(d.slaMinutes);
    if (!d.slaMinutes.trim() || !Number.isFinite(minutes) || Math.round(minutes * 60) < 1) errors.humanSlaSeconds = 'enter a wait time of at least 1 minute';
    else if (minutes > 7 * 24 * 60) errors.humanSlaSeconds = 'must be at most 7 days (10080 minutes)';
  }
  return errors;
}

/** Bot settings: fallback replies, business hours and the human-handover SLA. */
export function Settings() {
  const viewer = useViewer();
  const role = () => viewer()?.role;
  const readOnly = () => !!role() && !canManage(role());
  const [settings, { mutate }] = createResource(fetchBotSettings);
  const [draft, setDraft] = createStore<SettingsDraft>(fromSettings(defaults()));
  const [errors, setErrors] = createSignal<Errors>({});
  const [formError, setFormError] = createSignal('');
  const [saved, setSaved] = createSignal(false);
  const [saving, setSaving] = createSignal(false);

  createEffect(on(settings, (s) => s && setDraft(reconcile(fromSettings(s)))));

  const serialized = (d: SettingsDraft) => JSON.stringify(toInput(d).input);
  const dirty = createMemo(() => {
    const s = settings();
    return !!s && serialized(draft) !== serialized(fromSettings(s));
  });
  createEffect(on(dirty, (d) => d && setSaved(false), { defer: true }));

  const clearError = (key: string) => {
    if (errors()[key]) setErrors(({ [key]: _removed, ...rest }) => rest);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (readOnly() || saving()) return;
    setSaved(false);
    setFormError('');
    const local = validateDraft(draft);
    setErrors(local);
    if (Object.keys(local).length) return setFormError('Some fields need your attention.');
    const { input, order } = toInput(unwrap(draft));
    setSaving(true);
    try {
      const result = await updateBotSettings(input);
      mutate(result);
      setDraft(reconcile(fromSettings(result)));
      setSaved(true);
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields) {
        const mapped: Errors = {};
        for (const [field, message] of Object.entries(fields)) {
          const range = /^businessHours\.(\d+)/.exec(field);
          const at = range ? order[Number(range[1])] : undefined;
          mapped[at ? `hours.${at.weekday}.${at.index}` : field.split('.')[0]] = message;
        }
        setErrors(mapped);
        setFormError('Some fields need your attention.');
      } else {
        setFormError(errorMessage(err));
      }
    } finally {
      setSaving(false);
    }
  };

  const discard = () => {
    const s = settings();
    if (s) setDraft(reconcile(fromSettings(s)));
    setErrors({});
    setFormError('');
  };

  // Business hours editing.
  const setAlwaysOpen = (always: boolean) => {
    setDraft('alwaysOpen', always);
    if (!always && !draft.days.some((d) => d.open)) applyPreset([1, 2, 3, 4, 5], NINE_TO_FIVE);
    clearError('businessHours');
  };
  const toggleDay = (weekday: number, open: boolean) => {
    setDraft('days', weekday, (day) => ({ open, ranges: open && day.ranges.length === 0 ? [{ ...NINE_TO_FIVE }] : day.ranges }));
    setErrors((all) => Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith(`hours.${weekday}.`))));
  };
  const addRange = (weekday: number) => {
    const ranges = draft.days[weekday].ranges;
    const last = ranges[ranges.length - 1];
    const next = last && last.close !== '00:00' && toMinutes(last.close) <= 22 * 60
      ? { open: addHours(last.close, 1), close: addHours(last.close, 3) }
      : { ...NINE_TO_FIVE };
    setDraft('days', weekday, 'ranges', (list) => [...list, next]);
  };
  const removeRange = (weekday: number, index: number) => {
    setDraft('days', weekday, (day) => {
      const ranges = day.ranges.filter((_, i) => i !== index);
      return { open: ranges.length > 0, ranges };
    });
    setErrors((all) => Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith(`hours.${weekday}.`))));
  };
  const setRange = (weekday: number, index: number, edge: 'open' | 'close', value: string) => {
    setDraft('days', weekday, 'ranges', index, edge, value);
    clearError(`hours.${weekday}.${index}`);
  };
  const applyPreset = (weekdays: number[], range: RangeDraft) => {
    setDraft('days', reconcile(Array.from({ length: 7 }, (_, wd) => (
      weekdays.includes(wd) ? { open: true, ranges: [{ ...range }] } : { open: false, ranges: [] }
    ))));
    setErrors((all) => Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('hours.'))));
  };
  /** Gives every open day the same hours as `weekday`. */
  const copyToOpenDays = (weekday: number) => {
    const ranges = draft.days[weekday].ranges.map((r) => ({ ...r }));
    setDraft('days', reconcile(draft.days.map((day) => (day.open ? { open: true, ranges: ranges.map((r) => ({ ...r })) } : { open: false, ranges: [] }))));
    setErrors((all) => Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('hours.'))));
  };

  const openHours = () => (draft.alwaysOpen ? null : toInput(draft).input.businessHours);
  const openNow = () => isOpenAt(openHours(), draft.timeZone, new Date(now()));
  const localNow = () => localTime(new Date(now()), draft.timeZone);
  const zoneGroups = timeZoneGroups();
  const zoneKnown = () => zoneGroups.some((g) => g.zones.some((z) => z.value === draft.timeZone));

  return (
    <div class="page settings-page">
      <header class="page-header">
        <div>
          <h1>Settings</h1>
          <p class="muted">How the bot answers when no keyword rule matches, when you are open, and how long customers may wait for an agent.</p>
        </div>
      </header>

      <Show when={readOnly()}>
        <div class="notice" data-testid="settings-readonly">
          <LockIcon width="18" height="18" />
          <div>
            <strong>View only.</strong> Your role ({ROLE_INFO[role()!].label}) does not allow changing settings.
            Ask a workspace owner or admin.
          </div>
        </div>
      </Show>
      <Show when={settings.error}>
        <div class="alert alert-error" data-testid="settings-load-error">{errorMessage(settings.error)}</div>
      </Show>
      <Show when={settings.loading && !settings()}>
        <div class="page-loading"><div class="spinner" aria-label="Loading" /></div>
      </Show>

      <Show when={settings()}>
        <form class="settings-form" onSubmit={save} data-testid="settings-form" novalidate>
          <fieldset class="settings-fieldset" disabled={readOnly() || !role()}>
            <Section icon={<ReplyIcon />} title="Automatic replies"
              description="Sent when no keyword rule matches. Leave a reply empty to stay silent.">
              <div class="card form">
                <TextField label="Default reply" hint="Sent during business hours." testid="settings-default-reply"
                  placeholder="Thanks for your message! We'll get back to you shortly."
                  value={draft.defaultReply} error={errors().defaultReply}
                  onInput={(v) => { setDraft('defaultReply', v); clearError('defaultReply'); }} />
                <TextField label="Away message" hint="Sent outside business hours instead of the default reply." testid="settings-away-message"
                  placeholder="We're closed right now. We'll answer as soon as we're back — Monday to Friday, 9:00–17:00."
                  value={draft.awayMessage} error={errors().awayMessage}
                  onInput={(v) => { setDraft('awayMessage', v); clearError('awayMessage'); }} />
              </div>
            </Section>

            <Section icon={<ClockIcon />} title="Business hours"
              description="Outside these hours customers get the away message. Times are local to the time zone you choose.">
              <div class="card form">
                <label class="field">
                  <span>Time zone</span>
                  <select data-testid="settings-time-zone" value={draft.timeZone} aria-invalid={!!errors().timeZone}
                    onChange={(e) => { setDraft('timeZone', e.currentTarget.value); clearError('timeZone'); }}>
                    <optgroup label="Suggested">
                      <option value="UTC">UTC (GMT+00:00)</option>
                      <Show when={browserTimeZone() !== 'UTC'}>
                        <option value={browserTimeZone()}>{zoneLabel(browserTimeZone())} — this browser</option>
                      </Show>
                      <Show when={!zoneKnown() && draft.timeZone !== 'UTC' && draft.timeZone !== browserTimeZone()}>
                        <option value={draft.timeZone}>{zoneLabel(draft.timeZone)}</option>
                      </Show>
                    </optgroup>
                    <For each={zoneGroups}>
                      {(g) => (
                        <optgroup label={g.label}>
                          <For each={g.zones}>{(z) => <option value={z.value}>{z.label}</option>}</For>
                        </optgroup>
                      )}
                    </For>
                  </select>
                  <FieldError testid="error-timeZone" message={errors().timeZone} />
                </label>

                <div class="segmented segmented-inline" role="radiogroup" aria-label="Opening hours">
                  <button type="button" role="radio" aria-checked={draft.alwaysOpen} classList={{ active: draft.alwaysOpen }}
                    data-testid="hours-always-open" onClick={() => setAlwaysOpen(true)}>Always open</button>
                  <button type="button" role="radio" aria-checked={!draft.alwaysOpen} classList={{ active: !draft.alwaysOpen }}
                    data-testid="hours-custom" onClick={() => setAlwaysOpen(false)}>Set weekly hours</button>
                </div>

                <Show when={!draft.alwaysOpen} fallback={
                  <p class="muted small hours-note">The bot treats every moment as business hours: the away message is never sent.</p>
                }>
                  <div class="hours-presets">
                    <span class="muted small">Quick fill:</span>
                    <button type="button" class="link-button" data-testid="hours-preset-weekdays"
                      onClick={() => applyPreset([1, 2, 3, 4, 5], NINE_TO_FIVE)}>Mon–Fri, 9:00–17:00</button>
                    <button type="button" class="link-button" onClick={() => applyPreset([1, 2, 3, 4, 5, 6], { open: '09:00', close: '18:00' })}>
                      Mon–Sat, 9:00–18:00</button>
                    <button type="button" class="link-button" onClick={() => applyPreset([0, 1, 2, 3, 4, 5, 6], { open: '08:00', close: '20:00' })}>
                      Every day, 8:00–20:00</button>
                  </div>
                  <div class="hours-grid" data-testid="hours-grid">
                    <For each={WEEK_ORDER}>
                      {(weekday) => {
                        const day = () => draft.days[weekday];
                        return (
                          <div classList={{ 'hours-row': true, closed: !day().open }} data-testid={`hours-day-${weekday}`} data-open={day().open}>
                            <label class="hours-day">
                              <Switch checked={day().open} testid={`hours-open-${weekday}`} label={`Open on ${WEEKDAY_NAMES[weekday]}`}
                                onChange={(open) => toggleDay(weekday, open)} />
                              <span>{WEEKDAY_NAMES[weekday]}</span>
                            </label>
                            <div class="hours-ranges">
                              <Show when={day().open} fallback={<span class="hours-closed">Closed</span>}>
                                <For each={day().ranges}>
                                  {(range, index) => {
                                    const error = () => errors()[`hours.${weekday}.${index()}`];
                                    return (
                                      <div class="hours-range-wrap">
                                        <div classList={{ 'hours-range': true, invalid: !!error() }} data-testid={`hours-range-${weekday}`}>
                                          <input type="time" aria-label={`${WEEKDAY_NAMES[weekday]} opens`} value={range.open} required
                                            data-testid={`hours-${weekday}-${index()}-open`}
                                            onChange={(e) => setRange(weekday, index(), 'open', e.currentTarget.value)} />
                                          <span class="hours-dash">–</span>
                                          <input type="time" aria-label={`${WEEKDAY_NAMES[weekday]} closes`} value={range.close} required
                                            data-testid={`hours-${weekday}-${index()}-close`}
                                            onChange={(e) => setRange(weekday, index(), 'close', e.currentTarget.value)} />
                                          <button type="button" class="icon-button" title="Remove these hours" aria-label="Remove these hours"
                                            data-testid={`hours-${weekday}-${index()}-remove`} onClick={() => removeRange(weekday, index())}>
                                            <CloseIcon width="14" height="14" />
                                          </button>
                                        </div>
                                        <FieldError testid={`error-hours-${weekday}-${index()}`} message={error()} />
                                      </div>
                                    );
                                  }}
                                </For>
                              </Show>
                            </div>
                            <div class="hours-actions">
                              <Show when={day().open}>
                                <button type="button" class="btn btn-ghost btn-sm" data-testid={`hours-add-${weekday}`} onClick={() => addRange(weekday)}
                                  title="Add another time range, e.g. after a lunch break">
                                  <PlusIcon width="14" height="14" /> Hours
                                </button>
                                <button type="button" class="btn btn-ghost btn-sm" onClick={() => copyToOpenDays(weekday)}
                                  data-testid={`hours-copy-${weekday}`} title={`Use ${WEEKDAY_NAMES[weekday]}'s hours on every open day`}>
                                  Copy
                                </button>
                              </Show>
                            </div>
                          </div>
                        );
                      }}
                    </For>
                  </div>
                  <p class="muted small hours-note">A closing time of 00:00 means midnight, the end of the day.</p>
                  <FieldError testid="error-businessHours" message={errors().businessHours} />
                </Show>

                <Show when={localNow()}>
                  {(local) => (
                    <div classList={{ 'hours-status': true, open: openNow() === true, closed: openNow() === false }}
                      data-testid="hours-status" data-open={String(openNow())}>
                      <span class="hours-status-dot" />
                      <span>
                        It is <strong>{local().label}</strong> in {draft.timeZone.replace(/_/g, ' ')}:{' '}
                        {openNow()
                          ? <>open — the bot sends the default reply.</>
                          : <>closed — customers get the away message{draft.awayMessage.trim() ? '' : ' (none set: the bot stays silent)'}.</>}
                      </span>
                    </div>
                  )}
                </Show>
              </div>
            </Section>

            <Section icon={<HandIcon />} title="Human handover"
              description="When an agent has taken over a conversation, how long a customer may wait for a reply.">
              <div class="card form">
                <div class="toggle-row">
                  <div>
                    <div class="toggle-title">Response time target (SLA)</div>
                    <div class="muted small">Late conversations get a red “Waiting” badge in the inbox until an agent replies or releases them.</div>
                  </div>
                  <Switch checked={draft.slaEnabled} testid="settings-sla-enabled" label="Enable the response time target"
                    onChange={(on) => { setDraft('slaEnabled', on); clearError('humanSlaSeconds'); }} />
                </div>
                <Show when={draft.slaEnabled}>
                  <label class="field">
                    <span>Reply within</span>
                    <div classList={{ 'input-suffix': true, invalid: !!errors().humanSlaSeconds }}>
                      <input type="number" min="1" max="10080" step="any" inputmode="numeric" data-testid="settings-sla-minutes"
                        value={draft.slaMinutes} onInput={(e) => { setDraft('slaMinutes', e.currentTarget.value); clearError('humanSlaSeconds'); }} />
                      <span>minutes</span>
                    </div>
                    <FieldError testid="error-humanSlaSeconds" message={errors().humanSlaSeconds} />
                  </label>
                  <TextField label="Fallback message (optional)" testid="settings-sla-fallback"
                    hint="Sent once to the customer when the time is up, so they know someone will answer."
                    placeholder="Sorry for the wait! An agent will be with you shortly."
                    value={draft.slaFallbackMessage} error={errors().slaFallbackMessage}
                    onInput={(v) => { setDraft('slaFallbackMessage', v); clearError('slaFallbackMessage'); }} />
                </Show>
              </div>
            </Section>
          </fieldset>

          <Show when={role() && !readOnly()}>
            <div classList={{ 'save-bar': true, dirty: dirty() }}>
              <div class="save-bar-status" data-testid="settings-status">
                <Show when={formError()} fallback={
                  <Show when={saved() && !dirty()} fallback={
                    <span class="muted">{dirty() ? 'You have unsaved changes.' : 'All changes saved.'}</span>
                  }>
                    <span class="save-ok" data-testid="settings-saved" role="status">
                      <CheckCircleIcon width="18" height="18" /> Settings saved. They apply to the next incoming message.
                    </span>
                  </Show>
                }>
                  <span class="save-error" data-testid="settings-error" role="alert"><AlertIcon width="18" height="18" /> {formError()}</span>
                </Show>
              </div>
              <button type="button" class="btn btn-secondary" data-testid="settings-discard" disabled={!dirty() || saving()} onClick={discard}>
                Discard
              </button>
              <button type="submit" class="btn btn-primary" data-testid="settings-save" disabled={saving()}>
                {saving() ? 'Saving…' : 'Save changes'}
              </button>
            </div>
          </Show>
        </form>
      </Show>
    </div>
  );
}

function defaults(): BotSettings {
  return { defaultReply: null, awayMessage: null, timeZone: 'UTC', businessHours: null, humanSlaSeconds: null, slaFallbackMessage: null };
}

function addHours(hhmm: string, hours: number): string {
  const minutes = Math.min(toMinutes(hhmm) + hours * 60, 24 * 60);
  if (minutes >= 24 * 60) return '00:00';
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function Section(props: { icon: JSX.Element; title: string; description: string; children: JSX.Element }) {
  return (
    <section class="settings-section">
      <div class="settings-section-intro">
        <div class="settings-section-icon">{props.icon}</div>
        <h2>{props.title}</h2>
        <p class="muted">{props.description}</p>
      </div>
      <div class="settings-section-body">{props.children}</div>
    </section>
  );
}

function TextField(props: {
  label: string; hint?: string; placeholder?: string; testid: string; value: string; error?: string; onInput: (value: string) => void;
}) {
  const length = () => props.value.trim().length;
  return (
    <label class="field">
      <span>{props.label}</span>
      <textarea rows={3} data-testid={props.testid} placeholder={props.placeholder} value={props.value} aria-invalid={!!props.error}
        onInput={(e) => props.onInput(e.currentTarget.value)} />
      <div class="field-foot">
        <small>{props.hint ?? ''}{length() === 0 ? ' Empty: no message.' : ''}</small>
        <small classList={{ counter: true, over: length() > MAX_REPLY }}>{length()}/{MAX_REPLY}</small>
      </div>
      <FieldError testid={`error-${props.testid}`} message={props.error} />
    </label>
  );
}

function FieldError(props: { testid: string; message?: string }) {
  return (
    <Show when={props.message}>
      <div class="field-error" data-testid={props.testid} role="alert">
        <AlertIcon width="14" height="14" /> {props.message}
      </div>
    </Show>
  );
}

function Switch(props: { checked: boolean; testid: string; label: string; onChange: (checked: boolean) => void }) {
  return (
    <span class="switch">
      <input type="checkbox" role="switch" aria-label={props.label} checked={props.checked} data-testid={props.testid}
        onChange={(e) => props.onChange(e.currentTarget.checked)} />
      <span class="switch-track" aria-hidden="true" />
    </span>
  );
}
