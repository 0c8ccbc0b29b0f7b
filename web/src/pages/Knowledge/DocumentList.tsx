import { createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import { deleteDocument, reindexDocument, type KnowledgeDocument } from '../../graphql/knowledge';

const STATUS_LABEL: Record<KnowledgeDocument['status'], string> = { PENDING: 'Waiting', PROCESSING: 'Indexing', INDEXED: 'Indexed', FAILED: 'Failed' };

/** The knowledge base's documents with their live status, progress and errors; re-index and delete. */
export function DocumentList(props: { documents: KnowledgeDocument[]; manages: boolean; onChanged: (d: KnowledgeDocument) => void; onDeleted: (id: string) => void }) {
  const [error, setError] = createSignal('');

  const reindex = async (d: KnowledgeDocument) => {
    setError('');
    try {
      props.onChanged(await reindexDocument(d.id));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const remove = async (d: KnowledgeDocument) => {
    if (!window.confirm(`Delete “${d.name}”? The bot stops using it at once.`)) return;
    setError('');
    try {
      await deleteDocument(d.id);
      props.onDeleted(d.id);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section class="card" data-testid="documents">
      <h2 class="card-title">Documents</h2>
      <Show when={error()}><div class="alert alert-error">{error()}</div></Show>
      <Show when={props.documents.length > 0} fallback={<p class="muted">No documents yet.</p>}>
        <table class="table">
          <thead><tr><th>Name</th><th>Status</th><th class="num">Passages</th><Show when={props.manages}><th /></Show></tr></thead>
          <tbody>
            <For each={props.documents}>
              {(d) => (
                <tr data-testid="document-row" data-document-id={d.id} data-status={d.status}>
                  <td>
                    <div>{d.name}</div>
                    <Show when={d.status === 'FAILED' && d.error}><small class="field-error" data-testid="document-error">{d.error}</small></Show>
                  </td>
                  <td>
                    <span classList={{ status: true, 'status-ok': d.status === 'INDEXED', 'status-off': d.status === 'FAILED' }} data-testid="document-status">{STATUS_LABEL[d.status]}</span>
                    <Show when={d.status === 'PROCESSING' || d.status === 'PENDING'}>
                      <progress class="doc-progress" max="1" value={d.progress} data-testid="document-progress" />
                    </Show>
                  </td>
                  <td class="num">{d.chunkCount}</td>
                  <Show when={props.manages}>
                    <td class="row-actions">
                      <button class="btn btn-ghost btn-sm" type="button" data-testid="document-reindex" disabled={d.status === 'PROCESSING' || d.status === 'PENDING'} onClick={() => void reindex(d)}>Re-index</button>
                      <button class="btn btn-ghost btn-sm" type="button" data-testid="document-delete" onClick={() => void remove(d)}>Delete</button>
                    </td>
                  </Show>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
