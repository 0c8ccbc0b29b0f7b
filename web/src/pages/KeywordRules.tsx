import { createResource, createSignal, For, Show } from 'solid-js';
import { BoltIcon, PlusIcon } from '../components/Icons';
import { ManagersOnly } from '../components/ManagersOnly';
import { errorMessage } from '../graphql/client';
import { createKeywordRule, deleteKeywordRule, fetchKeywordRules, updateKeywordRule } from '../graphql/operations';
import type { KeywordRule, MatchType } from '../graphql/fragments';
import { canManage, useViewer } from '../lib/session';

const MATCH_TYPES: { value: MatchType; label: string; hint: string }[] = [
  { value: 'CONTAINS', label: 'Contains', hint: 'the message contains a keyword anywhere' },
  { value: 'EXACT', label: 'Exact', hint: 'the whole message equals a keyword' },
  { value: 'STARTS_WITH', label: 'Starts with', hint: 'the message begins with a keyword' },
  { value: 'REGEX', label: 'Regex', hint: 'a keyword is a regular expression that matches' },
];
const matchLabel = (t: MatchType) => MATCH_TYPES.find((m) => m.value === t)?.label ?? t;

/** Keyword rules: instant replies the bot sends when a message matches. */
export function KeywordRules() {
  const [rules, { refetch, mutate }] = createResource(fetchKeywordRules);
  const [keywords, setKeywords] = createSignal('');
  const [matchType, setMatchType] = createSignal<MatchType>('CONTAINS');
  const [reply, setReply] = createSignal('');
  const [priority, setPriority] = createSignal(0);
  const [error, setError] = createSignal('');
  const [saved, setSaved] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const viewer = useViewer();
  const manages = () => !viewer()?.role || canManage(viewer()!.role);
  /** The rule the form edits; null: the form creates one. */
  const [editing, setEditing] = createSignal<string | null>(null);

  const resetForm = () => {
    setEditing(null);
    setKeywords('');
    setMatchType('CONTAINS');
    setReply('');
    setPriority(0);
  };

  const edit = (rule: KeywordRule) => {
    setEditing(rule.id);
    setKeywords(rule.keywords.join(', '));
    setMatchType(rule.matchType);
    setReply(rule.reply);
    setPriority(rule.priority);
    setError('');
    setSaved('');
  };

  const remove = async (rule: KeywordRule) => {
    if (!window.confirm(`Delete the rule for “${rule.keywords.join(', ')}”?`)) return;
    setError('');
    setSaved('');
    try {
      await deleteKeywordRule(rule.id);
      mutate((current) => (current ?? []).filter((r) => r.id !== rule.id));
      if (editing() === rule.id) resetForm();
      setSaved('Rule deleted. The next incoming message no longer uses it.');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const list = keywords().split(',').map((k) => k.trim()).filter(Boolean);
    if (list.length === 0) return setError('Add at least one keyword.');
    setBusy(true);
    setError('');
    setSaved('');
    try {
      const input = { keywords: list, matchType: matchType(), reply: reply().trim(), priority: priority() };
      const id = editing();
      if (id) {
        const rule = await updateKeywordRule(id, input);
        mutate((current) => (current ?? []).map((r) => (r.id === id ? rule : r)));
        setSaved('Rule saved. It applies to the next incoming message.');
      } else {
        const rule = await createKeywordRule(input);
        mutate((current) => [...(current ?? []), rule]);
        setSaved('Rule created. It applies to the next incoming message.');
      }
      resetForm();
      void refetch();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const sorted = () => [...(rules() ?? [])].sort((a, b) => b.priority - a.priority);

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Keyword rules</h1>
          <p class="muted">Instant answers to common questions. Higher priority rules are checked first.</p>
        </div>
      </header>
      <div class="page-grid">
        <section class="card">
          <h2 class="card-title">Rules</h2>
          <Show when={rules.error}>
            <div class="alert alert-error">{errorMessage(rules.error)}</div>
          </Show>
          <Show when={rules() && rules()!.length === 0}>
            <div class="empty-state small">
              <BoltIcon width="32" height="32" />
              <p>No rules yet. Create your first one to answer “price” or “opening hours” questions automatically.</p>
            </div>
          </Show>
          <Show when={sorted().length > 0}>
            <table class="table" data-testid="rules-table">
              <thead>
                <tr><th>Keywords</th><th>Match</th><th>Reply</th><th class="num">Priority</th><th>Status</th><Show when={manages()}><th /></Show></tr>
              </thead>
              <tbody>
                <For each={sorted()}>
                  {(r) => (
                    <tr data-testid="rule-row" data-rule-id={r.id}>
                      <td><div class="chips"><For each={r.keywords}>{(k) => <span class="chip">{k}</span>}</For></div></td>
                      <td><span class="tag">{matchLabel(r.matchType)}</span></td>
                      <td class="reply-cell">{r.reply}</td>
                      <td class="num">{r.priority}</td>
                      <td><span classList={{ status: true, 'status-ok': r.enabled, 'status-off': !r.enabled }}>{r.enabled ? 'Enabled' : 'Disabled'}</span></td>
                      <Show when={manages()}>
                        <td class="row-actions">
                          <button class="btn btn-ghost btn-sm" type="button" data-testid="rule-edit" onClick={() => edit(r)}>Edit</button>
                          <button class="btn btn-ghost btn-sm" type="button" data-testid="rule-delete" onClick={() => void remove(r)}>Delete</button>
                        </td>
                      </Show>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        </section>

        <ManagersOnly title="New rule" what="create keyword rules" testid="rules-readonly">
          <form class="card form" onSubmit={submit} data-testid="rule-form">
            <h2 class="card-title">{editing() ? 'Edit rule' : 'New rule'}</h2>
            <Show when={error()}><div class="alert alert-error" data-testid="rule-error">{error()}</div></Show>
            <Show when={saved()}><div class="alert alert-success">{saved()}</div></Show>
            <label class="field">
              <span>Keywords</span>
              <input data-testid="rule-keywords" required placeholder="price, cost, how much" value={keywords()}
                onInput={(e) => setKeywords(e.currentTarget.value)} />
              <small>Separate keywords with commas. Matching ignores case.</small>
            </label>
            <label class="field">
              <span>Match type</span>
              <select data-testid="rule-match-type" value={matchType()} onChange={(e) => setMatchType(e.currentTarget.value as MatchType)}>
                <For each={MATCH_TYPES}>{(m) => <option value={m.value}>{m.label}</option>}</For>
              </select>
              <small>Matches when {MATCH_TYPES.find((m) => m.value === matchType())?.hint}.</small>
            </label>
            <label class="field">
              <span>Reply</span>
              <textarea data-testid="rule-reply" required rows={4} placeholder="Our prices start at 10 EUR." value={reply()}
                onInput={(e) => setReply(e.currentTarget.value)} />
            </label>
            <label class="field">
              <span>Priority</span>
              <input data-testid="rule-priority" type="number" step="1" value={priority()}
                onInput={(e) => setPriority(Number.parseInt(e.currentTarget.value, 10) || 0)} />
            </label>
            <button class="btn btn-primary" type="submit" data-testid="rule-submit" disabled={busy()}>
              <Show when={!editing()}><PlusIcon width="16" height="16" /></Show> {busy() ? 'Saving…' : editing() ? 'Save changes' : 'Create rule'}
            </button>
            <Show when={editing()}>
              <button class="btn btn-secondary" type="button" data-testid="rule-cancel" onClick={resetForm}>Cancel</button>
            </Show>
          </form>
        </ManagersOnly>
      </div>
    </div>
  );
}
