import { Match, Switch, createEffect, lazy } from 'solid-js';
import { render } from 'solid-js/web';
import { Shell } from './components/Shell';
import { accessToken } from './lib/auth';
import { navigate, path } from './lib/router';
import { Broadcasts } from './pages/Broadcasts/Broadcasts';
import { BroadcastComposer } from './pages/Broadcasts/BroadcastComposer';
import { Campaign } from './pages/Broadcasts/Campaign';
import { Channels } from './pages/Channels';
import { Contacts } from './pages/Contacts/Contacts';
import { FlowRuns } from './pages/Flows/FlowRuns';
import { Flows } from './pages/Flows/Flows';
import { Inbox } from './pages/Inbox';
import { KeywordRules } from './pages/KeywordRules';
import { Knowledge } from './pages/Knowledge/Knowledge';
import { Settings } from './pages/Settings/Settings';
import { AiSettings } from './pages/AiSettings/AiSettings';
import { SignIn } from './pages/SignIn';
import { Team } from './pages/Team';
import './styles.css';

const PUBLIC = ['/signin', '/signup'];
// The builder brings the canvas library and the flow validator: loaded when a flow is opened.
const FlowBuilder = lazy(() => import('./pages/Flows/FlowBuilder').then((m) => ({ default: m.FlowBuilder })));

function App() {
  // Signed-out visitors go to sign-in; signed-in ones skip it.
  createEffect(() => {
    const p = path();
    const signedIn = !!accessToken();
    if (!signedIn && !PUBLIC.includes(p)) navigate('/signin', { replace: true });
    else if (signedIn && (PUBLIC.includes(p) || p === '/')) navigate('/inbox', { replace: true });
  });
  const inboxId = () => path().match(/^\/inbox\/([^/]+)/)?.[1] ?? null;
  const broadcastId = () => path().match(/^\/broadcasts\/([^/]+)$/)?.[1] ?? null;
  const flowRoute = () => path().match(/^\/flows\/([^/]+)(\/runs)?$/);

  return (
    <Switch>
      <Match when={path() === '/signup'}><SignIn mode="signup" /></Match>
      <Match when={!accessToken() || path() === '/signin'}><SignIn mode="signin" /></Match>
      <Match when={true}>
        <Shell>
          <Switch fallback={<NotFound />}>
            <Match when={path() === '/' || path() === '/inbox' || path().startsWith('/inbox/')}>
              <Inbox conversationId={inboxId() ? decodeURIComponent(inboxId()!) : null} />
            </Match>
            <Match when={path() === '/contacts'}><Contacts /></Match>
            <Match when={path() === '/broadcasts'}><Broadcasts /></Match>
            <Match when={path() === '/broadcasts/new'}><BroadcastComposer /></Match>
            <Match when={path().match(/^\/broadcasts\/([^/]+)\/edit$/)?.[1]} keyed>{(id) => <BroadcastComposer broadcastId={decodeURIComponent(id)} />}</Match>
            <Match when={broadcastId()} keyed>{(id) => <Campaign broadcastId={decodeURIComponent(id)} />}</Match>
            <Match when={path() === '/rules'}><KeywordRules /></Match>
            <Match when={path() === '/flows'}><Flows /></Match>
            <Match when={flowRoute()} keyed>
              {(m) => (m[2] ? <FlowRuns flowId={decodeURIComponent(m[1])} /> : <FlowBuilder flowId={decodeURIComponent(m[1])} />)}
            </Match>
            <Match when={path() === '/knowledge'}><Knowledge /></Match>
            <Match when={path() === '/channels'}><Channels /></Match>
            <Match when={path() === '/team'}><Team /></Match>
            <Match when={path() === '/settings'}><Settings /></Match>
            <Match when={path() === '/ai'}><AiSettings /></Match>
          </Switch>
        </Shell>
      </Match>
    </Switch>
  );
}

function NotFound() {
  return (
    <div class="page">
      <div class="empty-state">
        <h2>Page not found</h2>
        <p class="muted"><a href="/inbox" onClick={(e) => { e.preventDefault(); navigate('/inbox'); }}>Back to the inbox</a></p>
      </div>
    </div>
  );
}

render(() => <App />, document.getElementById('root')!);
