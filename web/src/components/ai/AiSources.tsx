import { For, Show } from 'solid-js';

/** The passages an answer was grounded in, best first. */
export function AiSources(props: { sources: { documentName: string; text: string; score: number }[] }) {
  return (
    <Show when={props.sources.length} fallback={<p class="muted" data-testid="ai-sources-none">No knowledge passages were used.</p>}>
      <ol class="ai-sources" data-testid="ai-sources">
        <For each={props.sources}>
          {(s) => (
            <li data-testid="ai-source">
              <strong>{s.documentName}</strong> <small class="muted">score {s.score.toFixed(3)}</small>
              <blockquote>{s.text}</blockquote>
            </li>
          )}
        </For>
      </ol>
    </Show>
  );
}
