import { createResource, createSignal, For, Show } from 'solid-js';
import { Avatar } from '../components/Avatar';
import { PlusIcon, TeamIcon } from '../components/Icons';
import { ManagersOnly } from '../components/ManagersOnly';
import { errorMessage, fieldErrors } from '../graphql/client';
import { addMember, fetchMembers } from '../graphql/operations';
import type { Role } from '../graphql/fragments';
import { assignableRoles, canManage, ROLE_INFO, ROLES, useViewer } from '../lib/session';

/** The workspace's members and their roles; owners and admins add teammates here. */
export function Team() {
  const viewer = useViewer();
  const role = () => viewer()?.role;
  const [members, { mutate, refetch }] = createResource(fetchMembers);
  const [name, setName] = createSignal('');
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [newRole, setNewRole] = createSignal<Role>('AGENT');
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [error, setError] = createSignal('');
  const [added, setAdded] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    setAdded('');
    const local: Record<string, string> = {};
    if (!name().trim()) local.name = 'is required';
    if (!/^\S+@\S+\.\S+$/.test(email().trim())) local.email = 'enter an email address like ana@example.com';
    if (password().length < 8) local.password = 'must be at least 8 characters';
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const member = await addMember({ name: name().trim(), email: email().trim(), password: password(), role: newRole() });
      mutate((current) => [...(current ?? []), member]);
      setAdded(`${member.user.name} joined as ${ROLE_INFO[member.role].label.toLowerCase()}. Share the email and password with them; they can sign in now.`);
      setName('');
      setEmail('');
      setPassword('');
      void refetch();
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields) setErrors(fields);
      else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const counts = () => {
    const c: Partial<Record<Role, number>> = {};
    for (const m of members() ?? []) c[m.role] = (c[m.role] ?? 0) + 1;
    return c;
  };

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Team</h1>
          <p class="muted">Everyone who can sign in to this workspace, and what their role lets them do.</p>
        </div>
      </header>
      <div class="page-grid">
        <section class="card">
          <div class="card-head">
            <h2 class="card-title">Members <Show when={members()}><span class="count">{members()!.length}</span></Show></h2>
            <div class="role-summary">
              <For each={ROLES.filter((r) => counts()[r])}>
                {(r) => <span class={`role-badge role-${r.toLowerCase()}`}>{counts()[r]} {ROLE_INFO[r].label.toLowerCase()}{counts()[r]! > 1 ? 's' : ''}</span>}
              </For>
            </div>
          </div>
          <Show when={members.error}><div class="alert alert-error">{errorMessage(members.error)}</div></Show>
          <Show when={members.loading && !members()}><div class="page-loading"><div class="spinner" aria-label="Loading" /></div></Show>
          <ul class="member-list" data-testid="member-list">
            <For each={members() ?? []}>
              {(m) => {
                const me = () => m.user.id === viewer()?.user.id;
                return (
                  <li class="member-row" data-testid="member-row" data-email={m.user.email} data-role={m.role}>
                    <Avatar name={m.user.name} phone={m.user.email} size={38} />
                    <div class="member-text">
                      <div class="member-name">
                        {m.user.name} <Show when={me()}><span class="you">You</span></Show>
                      </div>
                      <div class="muted small">{m.user.email}</div>
                    </div>
                    <span class={`role-badge role-${m.role.toLowerCase()}`} data-testid="member-role" title={ROLE_INFO[m.role].description}>
                      {ROLE_INFO[m.role].label}
                    </span>
                  </li>
                );
              }}
            </For>
          </ul>
        </section>

        <ManagersOnly title="Adding teammates" what="add people" testid="team-readonly">
          {/* The roles offered depend on the viewer's own: the form waits for it. */}
          <Show when={role()}>
            <form class="card form" onSubmit={submit} data-testid="member-form" novalidate>
              <h2 class="card-title">Add a teammate</h2>
              <Show when={error()}><div class="alert alert-error" role="alert" data-testid="member-error">{error()}</div></Show>
              <Show when={added()}><div class="alert alert-success" role="status" data-testid="member-added">{added()}</div></Show>
              <label class="field">
                <span>Name</span>
                <input data-testid="member-name" autocomplete="off" placeholder="Ana García" value={name()} aria-invalid={!!errors().name}
                  onInput={(e) => setName(e.currentTarget.value)} />
                <Show when={errors().name}><div class="field-error" data-testid="error-member-name">{errors().name}</div></Show>
              </label>
              <label class="field">
                <span>Email</span>
                <input data-testid="member-email" type="email" autocomplete="off" placeholder="ana@example.com" value={email()}
                  aria-invalid={!!errors().email} onInput={(e) => setEmail(e.currentTarget.value)} />
                <Show when={errors().email}><div class="field-error" data-testid="error-member-email">{errors().email}</div></Show>
              </label>
              <label class="field">
                <span>Initial password</span>
                <input data-testid="member-password" type="text" autocomplete="new-password" placeholder="At least 8 characters" value={password()}
                  aria-invalid={!!errors().password} onInput={(e) => setPassword(e.currentTarget.value)} />
                <Show when={errors().password} fallback={<small>They sign in with this email and password.</small>}>
                  <div class="field-error" data-testid="error-member-password">{errors().password}</div>
                </Show>
              </label>
              <fieldset class="kind-options">
                <legend>Role</legend>
                <For each={assignableRoles(role())}>
                  {(r) => (
                    <label classList={{ 'kind-option': true, selected: newRole() === r }}>
                      <input type="radio" name="member-role" value={r} checked={newRole() === r} data-testid={`member-role-${r.toLowerCase()}`}
                        onChange={() => setNewRole(r)} />
                      <div>
                        <div class="kind-label">{ROLE_INFO[r].label}</div>
                        <div class="muted small">{ROLE_INFO[r].description}</div>
                      </div>
                    </label>
                  )}
                </For>
                <Show when={errors().role}><div class="field-error">{errors().role}</div></Show>
              </fieldset>
              <button class="btn btn-primary" type="submit" data-testid="member-submit" disabled={busy()}>
                <PlusIcon width="16" height="16" /> {busy() ? 'Adding…' : 'Add teammate'}
              </button>
            </form>
          </Show>
        </ManagersOnly>
      </div>
      <Show when={members() && members()!.length === 1 && canManage(role())}>
        <p class="muted small team-tip"><TeamIcon width="14" height="14" /> Tip: add an agent to share the inbox — they can take over conversations but not change settings.</p>
      </Show>
    </div>
  );
}
