import { createResource, createSignal, Show } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import { fetchMessageTrace } from '../../graphql/ai-operations';
import type { Message } from '../../graphql/fragments';
import { AiSources } from './AiSources';

// Which panels are open, by message id: a live update replaces a message's copy and its bubble with
// it (a receipt moving SENT to DELIVERED), and the agent's open panel must survive that.
const [openIds, setOpenIds] = createSignal<ReadonlySet<string>>(new Set());

/** On an AI-written message: its confidence, and a "why this reply" panel (the trace, its passages, the full prompt for admins). */
export function WhyThisReply(props: { message: Message }) {
  const open = () => openIds().has(props.message.id);
  const setOpen = (value: boolean) =>
    setOpenIds((ids) => {
      const next = new Set(ids);
      if (value) next.add(props.message.id);
      else next.delete(props.message.id);
      return next;
    });
  const [trace] = createResource(() => (open() ? props.message.id : undefined), fetchMessageTrace);
  return (
    <Show when={props.message.ai}>
      {(ai) => (
        <div class="ai-info" data-testid="ai-info">
          <span class="ai-confidence" data-testid="ai-confidence" title="How sure the AI was">AI · {Math.round(ai().confidence * 100)}% sure</span>
          <button type="button" class="btn btn-ghost btn-sm" data-testid="why-this-reply" aria-expanded={open()} onClick={() => setOpen(!open())}>
            Why this reply?
          </button>
          <Show when={open()}>
            <div class="why-panel" data-testid="why-panel">
              <Show when={trace.error}><div class="alert alert-error">{errorMessage(trace.error)}</div></Show>
              <Show when={trace()?.ai} fallback={<Show when={trace.loading}><div class="spinner" aria-label="Loading" /></Show>}>
                {(t) => (
                  <>
                    <dl class="why-facts" data-testid="why-facts">
                      <dt>Model</dt><dd>{t().provider} · {t().model}</dd>
                      <dt>Time</dt><dd>{t().latencyMs} ms</dd>
                      <dt>Tokens</dt><dd>{t().inputTokens ?? '?'} in / {t().outputTokens ?? '?'} out</dd>
                      <dt>Language</dt><dd>{t().language ?? '?'}</dd>
                      <dt>Sentiment</dt><dd>{t().sentiment ?? '?'}</dd>
                    </dl>
                    <AiSources sources={t().sources} />
                    <Show when={trace()?.aiPrompt}>
                      {(prompt) => (
                        <details data-testid="why-prompt">
                          <summary>Full prompt</summary>
                          <pre>{prompt()}</pre>
                        </details>
                      )}
                    </Show>
                  </>
                )}
              </Show>
            </div>
          </Show>
        </div>
      )}
    </Show>
  );
}
