import { createEffect, createSignal, For, Show } from 'solid-js';
import { errorMessage, fieldErrors } from '../../graphql/client';
import { createFaq, deleteFaq, updateFaq, type Faq } from '../../graphql/knowledge';

/** FAQs of a knowledge base: questions with their answers, added, edited and removed in place. */
export function FaqEditor(props: { knowledgeBaseId: string; faqs: Faq[]; manages: boolean }) {
  const [faqs, setFaqs] = createSignal<Faq[]>([]);
  createEffect(() => setFaqs(props.faqs));
  const [editing, setEditing] = createSignal<string | null>(null);
  const [question, setQuestion] = createSignal('');
  const [answer, setAnswer] = createSignal('');
  const [errors, setErrors] = createSignal<Record<string, string>>({});

  const reset = () => (setEditing(null), setQuestion(''), setAnswer(''));

  const save = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    try {
      const id = editing();
      if (id) {
        const faq = await updateFaq(id, { question: question(), answer: answer() });
        setFaqs((list) => list.map((f) => (f.id === id ? faq : f)));
      } else {
        const faq = await createFaq({ knowledgeBaseId: props.knowledgeBaseId, question: question(), answer: answer() });
        setFaqs((list) => [...list, faq]);
      }
      reset();
    } catch (err) {
      setErrors(fieldErrors(err) ?? { form: errorMessage(err) });
    }
  };

  const remove = async (faq: Faq) => {
    try {
      await deleteFaq(faq.id);
      setFaqs((list) => list.filter((f) => f.id !== faq.id));
      if (editing() === faq.id) reset();
    } catch (err) {
      setErrors({ form: errorMessage(err) });
    }
  };

  return (
    <section class="card" data-testid="faqs">
      <h2 class="card-title">FAQs</h2>
      <Show when={faqs().length > 0} fallback={<p class="muted">No FAQs yet.</p>}>
        <dl class="faq-list">
          <For each={faqs()}>
            {(f) => (
              <div class="faq-item" data-testid="faq-item">
                <dt>{f.question}</dt>
                <dd>{f.answer}</dd>
                <Show when={props.manages}>
                  <div class="row-actions">
                    <button class="btn btn-ghost btn-sm" type="button" data-testid="faq-edit" onClick={() => (setEditing(f.id), setQuestion(f.question), setAnswer(f.answer))}>Edit</button>
                    <button class="btn btn-ghost btn-sm" type="button" data-testid="faq-delete" onClick={() => void remove(f)}>Delete</button>
                  </div>
                </Show>
              </div>
            )}
          </For>
        </dl>
      </Show>
      <Show when={props.manages}>
        <form class="form" onSubmit={save} data-testid="faq-form">
          <Show when={errors().form}><div class="alert alert-error">{errors().form}</div></Show>
          <label class="field">
            <span>Question</span>
            <input required data-testid="faq-question" value={question()} onInput={(e) => setQuestion(e.currentTarget.value)} />
            <Show when={errors().question}><small class="field-error">{errors().question}</small></Show>
          </label>
          <label class="field">
            <span>Answer</span>
            <textarea required rows={3} data-testid="faq-answer" value={answer()} onInput={(e) => setAnswer(e.currentTarget.value)} />
            <Show when={errors().answer}><small class="field-error">{errors().answer}</small></Show>
          </label>
          <button class="btn btn-secondary" type="submit" data-testid="faq-submit">{editing() ? 'Save FAQ' : 'Add FAQ'}</button>
          <Show when={editing()}><button class="btn btn-ghost" type="button" onClick={reset}>Cancel</button></Show>
        </form>
      </Show>
    </section>
  );
}
