import { createSignal } from 'solid-js';

const ACCESS = 'parley.accessToken';
const REFRESH = 'parley.refreshToken';

const [accessToken, setAccessTokenSignal] = createSignal<string | null>(localStorage.getItem(ACCESS));

/** The current access token; reactive, so the app re-renders on sign-in and sign-out. */
export { accessToken };

export function refreshTokenValue(): string | null {
  return localStorage.getItem(REFRESH);
}

export function saveTokens(tokens: { accessToken: string; refreshToken: string }): void {
  localStorage.setItem(ACCESS, tokens.accessToken);
  localStorage.setItem(REFRESH, tokens.refreshToken);
  setAccessTokenSignal(tokens.accessToken);
}

export function clearTokens(): void {
  localStorage.removeItem(ACCESS);
  localStorage.removeItem(REFRESH);
  setAccessTokenSignal(null);
}

// Another tab signing in or out keeps this tab in step.
window.addEventListener('storage', (e) => {
  if (e.key === ACCESS) setAccessTokenSignal(e.newValue);
});
