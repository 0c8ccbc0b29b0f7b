import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { BookIcon, PlusIcon } from '../../components/Icons';
import { ManagersOnly } from '../../components/ManagersOnly';
import { errorMessage } from '../../graphql/client';
import { createKnowledgeBase, deleteKnowledgeBase, fetchKnowledgeBase, fetchKnowledgeBases, watchDocuments, type KnowledgeDocument } from '../../graphql/knowledge';
import { canManage, useViewer } from '../../lib/session';
import { AddDocument } from './AddDocument';
import { DocumentList } from './DocumentList';
import { FaqEditor } from './FaqEditor';
import { KnowledgeTestPanel } from '../../components/ai/KnowledgeTestPanel';

/** Knowledge: the documents and FAQs the bot answers from, with each document's indexing live. */
export function Knowledge() {
  const [bases, { mutate: setBases }] = createResource(fetchKnowledgeBases);
  const [selected, setSelected] = createSignal<string | null>(null);
  const [name, setName] = createSignal('');
  const [error, setError] = createSignal('');
  const viewer = useViewer();
  const manages = () => !viewer()?.role || canManage(viewer()!.role);

  createEffect(() => {
    const list = bases();
    if (list?.length && !list.some((b) => b.id === selected())) setSelected(list[0].id);
  });

  const create = async (e: Event) => {
    e.preventDefault();
    setError('');
    try {
      const kb = await createKnowledgeBase(name().trim());
      setBases((current) => [...(current ?? []), kb]);
      setSelected(kb.id);
      setName('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const remove = async (id: string, label: string) => {
    if (!window.confirm(`Delete “${label}” with all its documents and FAQs?`)) return;
    try {
      await deleteKnowledgeBase(id);
      setBases((current) => (current ?? []).filter((b) => b.id !== id));
      if (selected() === id) setSelected(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Knowledge</h1>
          <p class="muted">Documents, web pages and FAQs the bot answers from. Each document is read, split into passages and indexed.</p>
        </div>
      </header>
      <Show when={error()}><div class="alert alert-error" data-testid="knowledge-error">{error()}</div></Show>
      <div class="knowledge-layout">
        <aside class="card knowledge-bases" data-testid="knowledge-bases">
          <h2 class="card-title">Knowledge bases</h2>
          <Show when={bases() && bases()!.length === 0}>
            <div class="empty-state small"><BookIcon width="32" height="32" /><p>No knowledge base yet.</p></div>
          </Show>
          <For each={bases()}>
            {(kb) => (
              <div classList={{ 'kb-item': true, active: selected() === kb.id }} data-testid="kb-item">
                <button type="button" class="kb-select" onClick={() => setSelected(kb.id)}>{kb.name}</button>
                <Show when={manages()}>
                  <button type="button" class="btn btn-ghost btn-sm" title="Delete knowledge base" data-testid="kb-delete" onClick={() => void remove(kb.id, kb.name)}>Delete</button>
                </Show>
              </div>
            )}
          </For>
          <Show when={manages()}>
            <form class="kb-create" onSubmit={create} data-testid="kb-create">
              <input required placeholder="New knowledge base" data-testid="kb-name" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
              <button class="btn btn-secondary btn-sm" type="submit" data-testid="kb-submit"><PlusIcon width="14" height="14" /> Add</button>
            </form>
          </Show>
        </aside>
        <Show when={selected()} keyed>{(id) => <KnowledgeBaseView id={id} manages={manages()} />}</Show>
      </div>
    </div>
  );
}

/** One knowledge base: adding documents, their live list, and the FAQ editor. */
function KnowledgeBaseView(props: { id: string; manages: boolean }) {
  const [kb, { refetch }] = createResource(() => props.id, fetchKnowledgeBase);
  const [documents, setDocuments] = createSignal<KnowledgeDocument[]>([]);
  createEffect(on(kb, (loaded) => loaded && setDocuments(loaded.documents)));
  const upsert = (document: KnowledgeDocument) =>
    setDocuments((current) => (current.some((d) => d.id === document.id) ? current.map((d) => (d.id === document.id ? document : d)) : [document, ...current]));
  // Refetch on every (re)connect: nothing that changed while disconnected is missed.
  const stop = watchDocuments(props.id, upsert, () => void refetch());
  onCleanup(stop);

  return (
    <div class="knowledge-main">
      <Show when={kb.error}><div class="alert alert-error">{errorMessage(kb.error)}</div></Show>
      <ManagersOnly title="Add knowledge" what="add documents" testid="documents-readonly">
        <AddDocument knowledgeBaseId={props.id} onAdded={upsert} />
      </ManagersOnly>
      <DocumentList documents={documents()} manages={props.manages} onChanged={upsert} onDeleted={(id) => setDocuments((current) => current.filter((d) => d.id !== id))} />
      <FaqEditor knowledgeBaseId={props.id} faqs={kb()?.faqs ?? []} manages={props.manages} />
      <ManagersOnly title="Test the bot's answer" what="ask the knowledge base as the bot" testid="knowledge-test-readonly">
        <KnowledgeTestPanel knowledgeBaseId={props.id} />
      </ManagersOnly>
    </div>
  );
}
