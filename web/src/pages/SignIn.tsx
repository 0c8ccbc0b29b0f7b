import { createSignal, Show } from 'solid-js';
import { Logo } from '../components/Shell';
import { errorMessage } from '../graphql/client';
import { signIn, signUp } from '../graphql/operations';
import { saveTokens } from '../lib/auth';
import { navigate } from '../lib/router';

/** Sign in, or create an account and its workspace (`mode: 'signup'`). */
export function SignIn(props: { mode: 'signin' | 'signup' }) {
  const [name, setName] = createSignal('');
  const [email, setEmail] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [workspaceName, setWorkspaceName] = createSignal('');
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const signingUp = () => props.mode === 'signup';
  const prefix = () => (signingUp() ? 'signup' : 'signin');

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const auth = signingUp()
        ? await signUp({ name: name().trim(), email: email().trim(), password: password(), workspaceName: workspaceName().trim() })
        : await signIn({ email: email().trim(), password: password() });
      saveTokens(auth);
      navigate('/inbox', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const switchMode = (e: Event) => {
    e.preventDefault();
    setError('');
    navigate(signingUp() ? '/signin' : '/signup');
  };

  return (
    <div class="auth">
      <div class="auth-aside">
        <div class="auth-brand"><Logo size={36} /> Parley</div>
        <div class="auth-pitch">
          <h2>Every WhatsApp conversation, answered.</h2>
          <p>Keyword rules, flows and AI reply in seconds. Your team watches live and takes over whenever a human touch matters.</p>
          <ul>
            <li>Durable conversations on Temporal — nothing lost on restarts</li>
            <li>Live inbox with bot and agent hand-over</li>
            <li>Self-hosted: your data stays yours</li>
          </ul>
        </div>
      </div>
      <div class="auth-main">
        <form class="auth-card" onSubmit={submit} data-testid={`${prefix()}-form`}>
          <h1>{signingUp() ? 'Create your workspace' : 'Welcome back'}</h1>
          <p class="muted">{signingUp() ? 'Start automating your WhatsApp in minutes.' : 'Sign in to your Parley workspace.'}</p>
          <Show when={error()}>
            <div class="alert alert-error" role="alert" data-testid="auth-error">{error()}</div>
          </Show>
          <Show when={signingUp()}>
            <label class="field">
              <span>Your name</span>
              <input data-testid="signup-name" name="name" autocomplete="name" required value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            </label>
          </Show>
          <label class="field">
            <span>Work email</span>
            <input data-testid={`${prefix()}-email`} name="email" type="email" autocomplete="email" required
              value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Password</span>
            <input data-testid={`${prefix()}-password`} name="password" type="password" required
              autocomplete={signingUp() ? 'new-password' : 'current-password'} minLength={signingUp() ? 8 : undefined}
              value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
          </label>
          <Show when={signingUp()}>
            <label class="field">
              <span>Workspace name</span>
              <input data-testid="signup-workspace" name="workspace" required placeholder="Acme Store"
                value={workspaceName()} onInput={(e) => setWorkspaceName(e.currentTarget.value)} />
            </label>
          </Show>
          <button class="btn btn-primary btn-block" type="submit" data-testid={`${prefix()}-submit`} disabled={busy()}>
            {busy() ? 'Please wait…' : signingUp() ? 'Create account' : 'Sign in'}
          </button>
          <p class="auth-switch">
            {signingUp() ? 'Already have an account?' : 'New to Parley?'}{' '}
            <a href={signingUp() ? '/signin' : '/signup'} data-testid="auth-mode-toggle" onClick={switchMode}>
              {signingUp() ? 'Sign in' : 'Create an account'}
            </a>
          </p>
        </form>
      </div>
    </div>
  );
}
