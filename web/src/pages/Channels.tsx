import { createResource, createSignal, For, Index, Match, onCleanup, Show, Switch } from 'solid-js';
import { ChannelIcon, PlusIcon } from '../components/Icons';
import { ManagersOnly } from '../components/ManagersOnly';
import { errorMessage } from '../graphql/client';
import { createChannel, fetchChannels } from '../graphql/operations';
import type { Channel, ChannelKind, ChannelStatus } from '../graphql/fragments';
import { listenChannels } from '../graphql/live-channels';
import { BaileysPanel } from './channels/BaileysPanel';
import { relativeTime } from '../lib/format';
import { CloudApiPanel } from './channels/CloudApiPanel';

const KINDS: { value: ChannelKind; label: string; description: string; available: boolean }[] = [
  { value: 'SIMULATOR', label: 'Simulator', description: 'Chat as a customer from the inbox. Perfect for trying rules and flows.', available: true },
  { value: 'BAILEYS', label: 'WhatsApp (QR code)', description: 'Link a phone number by scanning a QR code.', available: true },
  { value: 'CLOUD_API', label: 'WhatsApp Cloud API', description: "Connect through Meta's official Business API.", available: true },
];
const kindLabel = (k: ChannelKind) => KINDS.find((x) => x.value === k)?.label ?? k;
const STATUS_LABEL: Partial<Record<ChannelStatus, string>> = { QR_REQUIRED: 'waiting for scan', LOGGED_OUT: 'logged out' };
const STATUS_CLASS: Record<ChannelStatus, string> = {
  CONNECTED: 'status-ok', CONNECTING: 'status-warn', QR_REQUIRED: 'status-warn', RECONNECTING: 'status-warn', PENDING: 'status-warn',
  DISCONNECTED: 'status-off', LOGGED_OUT: 'status-off', BANNED: 'status-off',
};

/** Channels: the WhatsApp numbers (or simulators) a workspace talks through, each with its live status and its kind's panel. */
export function Channels() {
  const [channels, { mutate, refetch }] = createResource(fetchChannels);
  const replace = (channel: Channel) => mutate((current) => (current ?? []).map((c) => (c.id === channel.id ? channel : c)));
  onCleanup(listenChannels({ updated: replace, sync: () => void refetch() }));
  const [kind, setKind] = createSignal<ChannelKind>('SIMULATOR');
  const [name, setName] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const channel = await createChannel({ kind: kind(), name: name().trim() });
      mutate((current) => [...(current ?? []), channel]);
      setName('');
      void refetch();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Channels</h1>
          <p class="muted">Numbers your customers write to. Every conversation is a durable workflow per contact and channel.</p>
        </div>
      </header>
      <div class="page-grid">
        <section class="card">
          <h2 class="card-title">Connected channels</h2>
          <Show when={channels.error}><div class="alert alert-error">{errorMessage(channels.error)}</div></Show>
          <Show when={channels() && channels()!.length === 0}>
            <div class="empty-state small">
              <ChannelIcon width="32" height="32" />
              <p>No channels yet. Add a simulator to try Parley without a phone.</p>
            </div>
          </Show>
          <div class="channel-list" data-testid="channel-list">
            <For each={channels() ?? []}>
              {(c) => (
                <div class="channel-row" data-testid="channel-row" data-channel-id={c.id}>
                  <span class="channel-icon"><ChannelIcon width="18" height="18" /></span>
                  <div class="channel-text">
                    <div class="channel-name">{c.name}</div>
                    <div class="muted small">
                      {kindLabel(c.kind)} · added {relativeTime(c.createdAt)} · <span data-testid="channel-messages-today">{c.messagesToday}</span> messages today
                    </div>
                    <Show when={c.lastError}><div class="channel-error small" data-testid="channel-last-error">{c.lastError}</div></Show>
                    <Switch>
                      <Match when={c.kind === 'BAILEYS'}><BaileysPanel channel={c} onChange={replace} /></Match>
                      {/* CLOUD_API's panel is mounted below the list: a row is re-rendered on every live update, which would reset its forms. */}
                    </Switch>
                  </div>
                  <span class={`status ${STATUS_CLASS[c.status]}`} data-testid="channel-status">{STATUS_LABEL[c.status] ?? c.status.toLowerCase()}</span>
                </div>
              )}
            </For>
          </div>
          <Index each={(channels() ?? []).filter((c) => c.kind === 'CLOUD_API')}>{(c) => <CloudApiPanel channelId={c().id} name={c().name} status={c().status} lastError={c().lastError} onChanged={() => void refetch()} />}</Index>
        </section>

        <ManagersOnly title="Add a channel" what="add channels" testid="channels-readonly">
          <form class="card form" onSubmit={submit} data-testid="channel-form">
            <h2 class="card-title">Add a channel</h2>
            <Show when={error()}><div class="alert alert-error" data-testid="channel-error">{error()}</div></Show>
            <fieldset class="kind-options">
              <legend>Type</legend>
              <For each={KINDS}>
                {(k) => (
                  <label classList={{ 'kind-option': true, selected: kind() === k.value, disabled: !k.available }}>
                    <input type="radio" name="kind" value={k.value} checked={kind() === k.value} disabled={!k.available}
                      data-testid={`channel-kind-${k.value.toLowerCase()}`} onChange={() => setKind(k.value)} />
                    <div>
                      <div class="kind-label">{k.label} <Show when={!k.available}><span class="soon">Coming soon</span></Show></div>
                      <div class="muted small">{k.description}</div>
                    </div>
                  </label>
                )}
              </For>
            </fieldset>
            <label class="field">
              <span>Name</span>
              <input data-testid="channel-name" required placeholder="Test phone" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            </label>
            <button class="btn btn-primary" type="submit" data-testid="channel-submit" disabled={busy()}>
              <PlusIcon width="16" height="16" /> {busy() ? 'Adding…' : 'Add channel'}
            </button>
          </form>
        </ManagersOnly>
      </div>
    </div>
  );
}
