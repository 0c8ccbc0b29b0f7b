import { createResource, For, type JSX, Show } from 'solid-js';
import { signOut } from '../graphql/client';
import { fetchViewer } from '../graphql/operations';
import { navigate, path } from '../lib/router';
import { ROLE_INFO, ViewerContext } from '../lib/session';
import { Avatar } from './Avatar';
import { BoltIcon, BookIcon, BotIcon, ChannelIcon, ContactsIcon, FlowIcon, InboxIcon, LogoutIcon, MegaphoneIcon, SettingsIcon, TeamIcon } from './Icons';

const NAV = [
  { href: '/inbox', label: 'Inbox', icon: InboxIcon, testid: 'nav-inbox' },
  { href: '/contacts', label: 'Contacts', icon: ContactsIcon, testid: 'nav-contacts' },
  { href: '/broadcasts', label: 'Broadcasts', icon: MegaphoneIcon, testid: 'nav-broadcasts' },
  { href: '/rules', label: 'Keyword rules', icon: BoltIcon, testid: 'nav-rules' },
  { href: '/flows', label: 'Flows', icon: FlowIcon, testid: 'nav-flows' },
  { href: '/knowledge', label: 'Knowledge', icon: BookIcon, testid: 'nav-knowledge' },
  { href: '/ai', label: 'AI replies', icon: BotIcon, testid: 'nav-ai' },
  { href: '/channels', label: 'Channels', icon: ChannelIcon, testid: 'nav-channels' },
  { href: '/team', label: 'Team', icon: TeamIcon, testid: 'nav-team' },
  { href: '/settings', label: 'Settings', icon: SettingsIcon, testid: 'nav-settings' },
];

/** The signed-in frame: sidebar navigation on the left, the page on the right. */
export function Shell(props: { children: JSX.Element }) {
  const [viewer] = createResource(fetchViewer);
  return (
    <ViewerContext.Provider value={viewer}>
      <div class="shell">
        <aside class="sidebar">
          <a class="brand" href="/inbox" onClick={(e) => { e.preventDefault(); navigate('/inbox'); }}>
            <Logo />
            <span>Parley</span>
          </a>
          <Show when={viewer()}>
            {(v) => <div class="workspace-name" title="Workspace">{v().workspace.name}</div>}
          </Show>
          <nav class="nav">
            <For each={NAV}>
              {(item) => (
                <a href={item.href} data-testid={item.testid} title={item.label}
                  classList={{ 'nav-item': true, active: path().startsWith(item.href) }}
                  onClick={(e) => { e.preventDefault(); navigate(item.href); }}>
                  <item.icon />
                  <span>{item.label}</span>
                </a>
              )}
            </For>
          </nav>
          <div class="sidebar-footer">
            <Show when={viewer()}>
              {(v) => (
                <div class="me">
                  <Avatar name={v().user.name} phone={v().user.email} size={32} />
                  <div class="me-text">
                    <div class="me-name">
                      <span>{v().user.name}</span>
                      <span class="me-role" data-testid="viewer-role" data-role={v().role}>{ROLE_INFO[v().role]?.label ?? v().role}</span>
                    </div>
                    <div class="me-email">{v().user.email}</div>
                  </div>
                </div>
              )}
            </Show>
            <button class="nav-item signout" data-testid="sign-out" title="Sign out" onClick={signOut}>
              <LogoutIcon />
              <span>Sign out</span>
            </button>
          </div>
        </aside>
        <main class="main">{props.children}</main>
      </div>
    </ViewerContext.Provider>
  );
}

export function Logo(props: { size?: number }) {
  return (
    <svg class="logo" viewBox="0 0 32 32" width={props.size ?? 28} height={props.size ?? 28} aria-hidden="true">
      <rect width="32" height="32" rx="9" fill="#10a37f" />
      <path d="M9 11a4 4 0 0 1 4-4h6a4 4 0 0 1 4 4v5a4 4 0 0 1-4 4h-4l-4 4v-4.3A4 4 0 0 1 9 16z" fill="#fff" />
      <circle cx="13.5" cy="13.5" r="1.3" fill="#10a37f" /><circle cx="18.5" cy="13.5" r="1.3" fill="#10a37f" />
    </svg>
  );
}
