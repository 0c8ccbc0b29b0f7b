import { createSignal } from 'solid-js';

const ACCESS = 'parley.accessToken';
// Earlier versions kept the refresh token here; it now lives only in an HttpOnly cookie.
const LEGACY_REFRESH = 'parley.refreshToken';
localStorage.removeItem(LEGACY_REFRESH);

const [accessToken, setAccessTokenSignal] = createSignal<string | null>(localStorage.getItem(ACCESS));

/** The current access token; reactive, so the app re-renders on sign-in and sign-out. */
export { accessToken };

/** Keeps the short-lived access token; the refresh token stays in the server's HttpOnly cookie, out of reach of scripts. */
export function saveTokens(tokens: { accessToken: string }): void {
  localStorage.setItem(ACCESS, tokens.accessToken);
  setAccessTokenSignal(tokens.accessToken);
}

export function clearTokens(): void {
  localStorage.removeItem(ACCESS);
  setAccessTokenSignal(null);
}

// Another tab signing in or out keeps this tab in step.
window.addEventListener('storage', (e) => {
  if (e.key === ACCESS) setAccessTokenSignal(e.newValue);
});
