import { type JSX, Show } from 'solid-js';
import { canManage, ROLE_INFO, useViewer } from '../lib/session';
import { LockIcon } from './Icons';

/**
 * Management forms (rules, channels, team) for owners and admins; agents and viewers see a short
 * note instead. Until the viewer is known the form shows, and the API still refuses what a role may not do.
 */
export function ManagersOnly(props: { title: string; what: string; testid: string; children: JSX.Element }) {
  const viewer = useViewer();
  const role = () => viewer()?.role;
  return (
    <Show when={!role() || canManage(role())} fallback={
      <section class="card readonly-card" data-testid={props.testid}>
        <LockIcon width="24" height="24" />
        <h2>{props.title}</h2>
        <p class="muted">Only owners and admins can {props.what}. You are signed in as {ROLE_INFO[role()!]?.label.toLowerCase() ?? role()}.</p>
      </section>
    }>
      {props.children}
    </Show>
  );
}
