import { createSignal, For, Show } from 'solid-js';
import { UploadIcon } from '../../components/Icons';
import { errorMessage, fieldErrors } from '../../graphql/client';
import { addDocument, uploadDocument, type KnowledgeDocument } from '../../graphql/knowledge';

/** What the dashboard says about the upload limit (the API enforces KNOWLEDGE_MAX_UPLOAD_BYTES). */
const UPLOAD_HINT = 'PDF, Word (DOCX), CSV, Markdown or text, up to 25 MB each. The type is read from the content.';

interface Upload {
  key: number;
  name: string;
  sent: number;
  error?: string;
}

/** Adding documents: drag-and-drop (or pick) files with upload progress, a page by URL, or pasted text. */
export function AddDocument(props: { knowledgeBaseId: string; onAdded: (d: KnowledgeDocument) => void }) {
  const [uploads, setUploads] = createSignal<Upload[]>([]);
  const [dragging, setDragging] = createSignal(false);
  const [url, setUrl] = createSignal('');
  const [textName, setTextName] = createSignal('');
  const [text, setText] = createSignal('');
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  let keys = 0;
  let picker!: HTMLInputElement;

  const patch = (key: number, change: Partial<Upload>) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const upload = async (file: File) => {
    const key = ++keys;
    setUploads((list) => [...list, { key, name: file.name, sent: 0 }]);
    try {
      props.onAdded(await uploadDocument(props.knowledgeBaseId, file, (sent) => patch(key, { sent })));
      setUploads((list) => list.filter((u) => u.key !== key));
    } catch (err) {
      patch(key, { error: fieldErrors(err)?.file ?? errorMessage(err) });
    }
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    for (const file of e.dataTransfer?.files ?? []) void upload(file);
  };

  const submit = async (input: { name: string; url?: string; text?: string }, reset: () => void) => {
    setErrors({});
    try {
      props.onAdded(await addDocument({ knowledgeBaseId: props.knowledgeBaseId, ...input }));
      reset();
    } catch (err) {
      setErrors(fieldErrors(err) ?? { form: errorMessage(err) });
    }
  };

  const addUrl = (e: Event) => {
    e.preventDefault();
    const value = url().trim();
    void submit({ name: value.replace(/^https?:\/\//, '').slice(0, 300), url: value }, () => setUrl(''));
  };

  const addText = (e: Event) => {
    e.preventDefault();
    void submit({ name: textName().trim(), text: text() }, () => (setTextName(''), setText('')));
  };

  return (
    <section class="card" data-testid="add-document">
      <h2 class="card-title">Add knowledge</h2>
      <div
        classList={{ dropzone: true, dragging: dragging() }}
        data-testid="dropzone"
        onDragOver={(e) => (e.preventDefault(), setDragging(true))}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        onClick={() => picker.click()}
      >
        <UploadIcon width="28" height="28" />
        <p><strong>Drop files here</strong> or click to choose</p>
        <small class="muted">{UPLOAD_HINT}</small>
        <input ref={picker} type="file" multiple hidden data-testid="file-input" onChange={(e) => {
          for (const file of e.currentTarget.files ?? []) void upload(file);
          e.currentTarget.value = '';
        }} />
      </div>
      <For each={uploads()}>
        {(u) => (
          <div class="upload-row" data-testid="upload-row">
            <span class="upload-name">{u.name}</span>
            <Show when={!u.error} fallback={<span class="field-error" data-testid="upload-error">{u.error}</span>}>
              <progress max="1" value={u.sent} />
              <span class="muted">{Math.round(u.sent * 100)}%</span>
            </Show>
          </div>
        )}
      </For>
      <Show when={errors().form}><div class="alert alert-error">{errors().form}</div></Show>
      <form class="inline-form" onSubmit={addUrl} data-testid="url-form">
        <label class="field grow">
          <span>Web page</span>
          <input type="url" required placeholder="https://example.com/shipping" data-testid="url-input" value={url()} onInput={(e) => setUrl(e.currentTarget.value)} />
          <Show when={errors().url}><small class="field-error" data-testid="url-error">{errors().url}</small></Show>
        </label>
        <button class="btn btn-secondary" type="submit" data-testid="url-submit">Add page</button>
      </form>
      <form class="form" onSubmit={addText} data-testid="text-form">
        <label class="field">
          <span>Paste text</span>
          <input required placeholder="Title, e.g. Shipping policy" data-testid="text-name" value={textName()} onInput={(e) => setTextName(e.currentTarget.value)} />
          <Show when={errors().name}><small class="field-error">{errors().name}</small></Show>
        </label>
        <textarea rows={4} required placeholder="# Shipping&#10;We ship within 2 days…" data-testid="text-body" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
        <Show when={errors().text}><small class="field-error">{errors().text}</small></Show>
        <button class="btn btn-secondary" type="submit" data-testid="text-submit">Add text</button>
      </form>
    </section>
  );
}
