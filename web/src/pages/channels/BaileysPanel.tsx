import { createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import type { Channel, ChannelSettings } from '../../graphql/fragments';
import { connectChannel, disconnectChannel, requestPairingCode, updateChannelSettings } from '../../graphql/operations';
import { canManage, useViewer } from '../../lib/session';
import { relativeTime } from '../../lib/format';
import { ToggleSwitch } from '../Settings/ToggleSwitch';

/** Statuses in which the session is stopped until someone connects it again. */
const STOPPED = new Set(['DISCONNECTED', 'LOGGED_OUT', 'BANNED']);

type Toggle = Exclude<keyof ChannelSettings, 'ratePerMinute'>;
const TOGGLES: { key: Toggle; title: string; description: string }[] = [
  { key: 'ignoreGroups', title: 'Ignore groups', description: 'Messages in WhatsApp groups are not recorded or answered.' },
  { key: 'ignoreBroadcasts', title: 'Ignore broadcast lists', description: 'Messages sent to a broadcast list are not recorded or answered.' },
  { key: 'ignoreStatus', title: 'Ignore status updates', description: 'Contacts’ status stories are not recorded.' },
  { key: 'takeOverOnPhoneReply', title: 'Phone replies take over', description: 'A reply typed on the phone itself hands the conversation to a human.' },
];

/** A WhatsApp Web (QR code) channel: its QR or pairing code while linking, its status history, connect / disconnect and settings. */
export function BaileysPanel(props: { channel: Channel; onChange(channel: Channel): void }) {
  const viewer = useViewer();
  const manager = () => canManage(viewer()?.role);
  const [phone, setPhone] = createSignal('');
  const [code, setCode] = createSignal('');
  const [rate, setRate] = createSignal<string | null>(null);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const c = () => props.channel;

  const act = async (action: () => Promise<Channel | null | void>) => {
    setBusy(true);
    setError('');
    try {
      const updated = await action();
      if (updated) props.onChange(updated);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const pair = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      setCode((await requestPairingCode(c().id, phone().trim())) ?? '');
    });
  };
  const setting = (changes: Partial<ChannelSettings>) => act(() => updateChannelSettings({ channelId: c().id, ...changes }));

  return (
    <div class="baileys-panel" data-testid="baileys-panel">
      <Show when={error()}><div class="alert alert-error" data-testid="baileys-error">{error()}</div></Show>
      <Show when={c().status === 'QR_REQUIRED' && c().qrImage}>
        <div class="baileys-link">
          <img class="baileys-qr" data-testid="baileys-qr" src={c().qrImage!} alt="QR code to link WhatsApp" width="220" height="220" />
          <div>
            <p><strong>Link your phone.</strong> On the phone open WhatsApp → Settings → Linked devices → Link a device, and scan this code. It refreshes by itself.</p>
            <Show when={manager()}>
              <form class="form inline-form" onSubmit={pair} data-testid="baileys-pairing-form">
                <label class="field">
                  <span>Or link with a code: the phone's number</span>
                  <input data-testid="baileys-pairing-phone" placeholder="+4915112345678" value={phone()} onInput={(e) => setPhone(e.currentTarget.value)} required />
                </label>
                <button class="btn btn-secondary" type="submit" disabled={busy()} data-testid="baileys-pairing-submit">Get code</button>
              </form>
              <Show when={code()}>
                <p>Type <strong class="pairing-code" data-testid="baileys-pairing-code">{code()}</strong> on the phone (Linked devices → Link with phone number).</p>
              </Show>
            </Show>
          </div>
        </div>
      </Show>

      <Show when={manager()}>
        <div class="baileys-actions">
          <Show when={STOPPED.has(c().status)} fallback={
            <button class="btn btn-secondary btn-sm" type="button" disabled={busy()} data-testid="baileys-disconnect" onClick={() => void act(() => disconnectChannel(c().id))}>Disconnect</button>
          }>
            <button class="btn btn-primary btn-sm" type="button" disabled={busy()} data-testid="baileys-connect" onClick={() => void act(() => connectChannel(c().id))}>Connect</button>
          </Show>
        </div>
      </Show>

      <details class="baileys-details">
        <summary>Status history and settings</summary>
        <ol class="status-history" data-testid="baileys-history">
          <For each={c().statusHistory}>
            {(step) => (
              <li>
                <span class="status-history-status">{step.status.toLowerCase().replace('_', ' ')}</span>
                <span class="muted small"> · {relativeTime(step.at)}</span>
                <Show when={step.error}><div class="muted small">{step.error}</div></Show>
              </li>
            )}
          </For>
        </ol>
        <div class="form">
          <For each={TOGGLES}>
            {(t) => (
              <div class="toggle-row">
                <div>
                  <div class="toggle-title">{t.title}</div>
                  <div class="muted small">{t.description}</div>
                </div>
                <Show when={manager()} fallback={<span class="muted small">{c().settings[t.key] ? 'on' : 'off'}</span>}>
                  <ToggleSwitch checked={c().settings[t.key]} testid={`baileys-setting-${t.key}`} label={t.title} onChange={(on) => void setting({ [t.key]: on })} />
                </Show>
              </div>
            )}
          </For>
          <label class="field">
            <span>Messages per minute at most (a new number sends less during its first week)</span>
            <input type="number" min="1" max="1000" data-testid="baileys-setting-rate" disabled={!manager()}
              value={rate() ?? String(c().settings.ratePerMinute)} onInput={(e) => setRate(e.currentTarget.value)}
              onChange={(e) => void setting({ ratePerMinute: Number(e.currentTarget.value) }).then(() => setRate(null))} />
          </label>
        </div>
      </details>
    </div>
  );
}
