import { createSignal, Show } from 'solid-js';
import { AiSources } from './AiSources';
import { errorMessage } from '../../graphql/client';
import { askKnowledgeBase, type KnowledgeAnswer } from '../../graphql/ai-operations';

/**
 * The Knowledge page's test panel: ask the knowledge base a question and see what the bot would
 * answer, with the passages it used (askKnowledgeBase: the bot's retrieval, prompt and providers).
 */
export function KnowledgeTestPanel(props: { knowledgeBaseId: string }) {
  const [question, setQuestion] = createSignal('');
  const [answer, setAnswer] = createSignal<KnowledgeAnswer | null>(null);
  const [error, setError] = createSignal('');
  const [asking, setAsking] = createSignal(false);
  const ask = async (e: Event) => {
    e.preventDefault();
    setAsking(true);
    setError('');
    setAnswer(null);
    try {
      setAnswer(await askKnowledgeBase(props.knowledgeBaseId, question().trim()));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setAsking(false);
    }
  };
  return (
    <section class="card ai-test-panel" data-testid="knowledge-test-panel">
      <h2>Test the bot's answer</h2>
      <form onSubmit={ask} class="ai-test-form">
        <label class="field field-compact">
          <span>Question</span>
          <input data-testid="knowledge-test-question" value={question()} onInput={(e) => setQuestion(e.currentTarget.value)} />
        </label>
        <button class="btn btn-primary" data-testid="knowledge-test-ask" disabled={asking() || !question().trim()}>
          {asking() ? 'Asking…' : 'Ask'}
        </button>
      </form>
      <Show when={error()}><div class="alert alert-error" data-testid="knowledge-test-error">{error()}</div></Show>
      <Show when={answer()}>
        {(a) => (
          <div class="ai-test-answer" data-testid="knowledge-test-answer">
            <p>{a().answer ?? a().error}</p>
            <small class="muted">Confidence {Math.round(a().confidence * 100)}%</small>
            <AiSources sources={a().sources} />
          </div>
        )}
      </Show>
    </section>
  );
}
