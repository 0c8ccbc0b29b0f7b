import { createResource, createSignal, For, Show } from 'solid-js';
import { errorMessage, fieldErrors } from '../../graphql/client';
import { fetchCloudChannel, fetchTemplates, sendTestMessage, syncTemplates, updateChannelCredentials } from '../../graphql/cloud-api';

const CREDENTIAL_FIELDS = [
  { key: 'phoneNumberId', label: 'Phone number ID', secret: false },
  { key: 'businessAccountId', label: 'WhatsApp Business Account ID', secret: false },
  { key: 'accessToken', label: 'Access token', secret: true },
  { key: 'appSecret', label: 'App secret', secret: true },
  { key: 'verifyToken', label: 'Verify token (any string you choose)', secret: false },
] as const;
type CredentialKey = (typeof CREDENTIAL_FIELDS)[number]['key'];

/** A Cloud API channel's set-up: webhook URL and verify token to paste into Meta, credentials, a test message, templates. */
export function CloudApiPanel(props: { channelId: string; name: string; status: string; lastError?: string | null; onChanged?: () => void }) {
  const [channel, { refetch }] = createResource(() => props.channelId, fetchCloudChannel);
  return (
    <div class="cloud-panel" data-testid="cloud-panel" data-channel-id={props.channelId}>
      <h2 class="card-title">{props.name}: Cloud API set-up</h2>
      <Show when={channel()}>
        {(c) => (
          <div class="cloud-webhook">
            <CopyField label="Webhook URL" value={c().webhookUrl ?? ''} testid="cloud-webhook-url" />
            <Show when={c().verifyToken}>{(token) => <CopyField label="Verify token" value={token()} testid="cloud-verify-token" />}</Show>
          </div>
        )}
      </Show>
      <CredentialsForm channelId={props.channelId} onSaved={() => { void refetch(); props.onChanged?.(); }} />
      {/* From the channel itself (live): the row re-renders when Meta's verdict lands, so the form's own state would not last. */}
      <div class="muted small" data-testid="cloud-connection">
        {props.status === 'CONNECTED' ? 'Connected: Meta accepted the credentials.' : props.lastError ? `Not connected: ${props.lastError}` : 'Waiting for credentials.'}
      </div>
      <TestMessageForm channelId={props.channelId} />
      <TemplateList channelId={props.channelId} />
    </div>
  );
}

function CopyField(props: { label: string; value: string; testid: string }) {
  const [copied, setCopied] = createSignal(false);
  const copy = async () => {
    await navigator.clipboard.writeText(props.value);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <label class="field field-compact">
      <span>{props.label}</span>
      <div class="copy-field">
        <input readOnly value={props.value} data-testid={props.testid} />
        <button type="button" class="btn btn-secondary" data-testid={`${props.testid}-copy`} onClick={() => void copy()}>{copied() ? 'Copied' : 'Copy'}</button>
      </div>
    </label>
  );
}

function CredentialsForm(props: { channelId: string; onSaved: () => void }) {
  const [values, setValues] = createSignal<Record<CredentialKey, string>>({ phoneNumberId: '', businessAccountId: '', accessToken: '', appSecret: '', verifyToken: '' });
  const [errors, setErrors] = createSignal<Partial<Record<CredentialKey, string>>>({});
  const [message, setMessage] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage('');
    try {
      await updateChannelCredentials({ channelId: props.channelId, credentials: JSON.stringify(values()) });
      props.onSaved();
    } catch (err) {
      // "credentials: accessToken: is required" → the access token field.
      const nested = /^(\w+): (.*)$/.exec(fieldErrors(err)?.credentials ?? '');
      if (nested && CREDENTIAL_FIELDS.some((f) => f.key === nested[1])) setErrors({ [nested[1]]: nested[2] });
      else setMessage(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form cloud-credentials" onSubmit={submit} data-testid="cloud-credentials">
      <h3>Credentials</h3>
      <For each={CREDENTIAL_FIELDS}>
        {(f) => (
          <label class="field field-compact">
            <span>{f.label}</span>
            <input type={f.secret ? 'password' : 'text'} autocomplete="off" data-testid={`cloud-${f.key}`} aria-invalid={errors()[f.key] ? 'true' : 'false'}
              value={values()[f.key]} onInput={(e) => setValues({ ...values(), [f.key]: e.currentTarget.value })} />
            <Show when={errors()[f.key]}><div class="field-error" data-testid={`cloud-${f.key}-error`}>{errors()[f.key]}</div></Show>
          </label>
        )}
      </For>
      <Show when={message()}><div class="muted small" data-testid="cloud-credentials-result">{message()}</div></Show>
      <button class="btn btn-primary" type="submit" disabled={busy()} data-testid="cloud-credentials-save">{busy() ? 'Checking…' : 'Save and check'}</button>
    </form>
  );
}

function TestMessageForm(props: { channelId: string }) {
  const [to, setTo] = createSignal('');
  const [text, setText] = createSignal('Hello from Parley');
  const [result, setResult] = createSignal('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setResult('');
    try {
      await sendTestMessage({ channelId: props.channelId, to: to().trim(), text: text() });
      setResult('Sent: see its status in the inbox. Free text reaches only numbers that wrote in the last 24 hours.');
    } catch (err) {
      setResult(errorMessage(err));
    }
  };
  return (
    <form class="form" onSubmit={submit} data-testid="cloud-test-message">
      <h3>Send a test message</h3>
      <div class="field-row">
        <label class="field field-compact"><span>To</span><input placeholder="+4915112345678" value={to()} data-testid="cloud-test-to" onInput={(e) => setTo(e.currentTarget.value)} /></label>
        <label class="field field-compact"><span>Text</span><input value={text()} data-testid="cloud-test-text" onInput={(e) => setText(e.currentTarget.value)} /></label>
      </div>
      <Show when={result()}><div class="muted small" data-testid="cloud-test-result">{result()}</div></Show>
      <button class="btn btn-secondary" type="submit" disabled={!to().trim()} data-testid="cloud-test-send">Send test message</button>
    </form>
  );
}

function TemplateList(props: { channelId: string }) {
  const [templates, { mutate }] = createResource(() => props.channelId, fetchTemplates);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const sync = async () => {
    setBusy(true);
    setError('');
    try {
      mutate(await syncTemplates(props.channelId));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="cloud-templates">
      <div class="cloud-templates-head">
        <h3>Message templates</h3>
        <button type="button" class="btn btn-secondary" disabled={busy()} data-testid="cloud-templates-sync" onClick={() => void sync()}>{busy() ? 'Syncing…' : 'Sync from Meta'}</button>
      </div>
      <Show when={error()}><div class="alert alert-error">{error()}</div></Show>
      <Show when={templates()?.length === 0}><p class="muted small">No templates yet: sync them from your WhatsApp Business Account.</p></Show>
      <ul class="template-list">
        <For each={templates() ?? []}>
          {(t) => (
            <li data-testid="cloud-template" data-status={t.status}>
              <strong>{t.name}</strong> <span class="muted small">{t.language} · {t.category?.toLowerCase()} · {t.status.toLowerCase()} · {t.variables} variable{t.variables === 1 ? '' : 's'}</span>
              <Show when={t.body}><div class="small">{t.body}</div></Show>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
