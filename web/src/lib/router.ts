import { createSignal } from 'solid-js';

const [path, setPath] = createSignal(window.location.pathname);

/** The current pathname; the server falls back to index.html, so deep links work. */
export { path };

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.pathname) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  setPath(to);
}

window.addEventListener('popstate', () => setPath(window.location.pathname));
