import { createSignal, For, Show } from 'solid-js';
import { errorMessage } from '../../graphql/client';
import {
  createCustomField, createLabel, deleteCustomField, deleteLabel, updateCustomField, updateLabel, type ContactLabel, type CustomField,
} from '../../graphql/contacts';
import { LabelChip } from '../../components/LabelChip';

const TYPES = ['TEXT', 'NUMBER', 'DATE', 'BOOLEAN', 'CHOICE'] as const;

/** The workspace's labels (with colours) and typed custom fields: list, create, edit and delete (owners and admins). */
export function LabelsAndFields(props: { labels: ContactLabel[]; fields: CustomField[]; onClose(): void; onChanged(): void }) {
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [labelName, setLabelName] = createSignal('');
  const [color, setColor] = createSignal('#10a37f');
  const [fieldName, setFieldName] = createSignal('');
  const [fieldKey, setFieldKey] = createSignal('');
  const [fieldType, setFieldType] = createSignal<(typeof TYPES)[number]>('TEXT');
  const [choices, setChoices] = createSignal('');
  const [editingLabel, setEditingLabel] = createSignal<string | null>(null);
  const [editingField, setEditingField] = createSignal<string | null>(null);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await action();
      props.onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  // A key from the name as the agent types it (lower case, digits and _), until they edit the key.
  let keyEdited = false;
  const keyFrom = (name: string) => name.toLowerCase().trim().replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '');

  return (
    <div class="drawer-backdrop" onClick={props.onClose}>
      <div class="modal" role="dialog" aria-label="Labels and fields" data-testid="labels-dialog" onClick={(e) => e.stopPropagation()}>
        <header class="drawer-header">
          <h2>Labels & custom fields</h2>
          <button class="btn btn-ghost btn-sm" data-testid="labels-close" onClick={props.onClose}>Close</button>
        </header>
        <Show when={error()}><p class="field-error" role="alert" data-testid="labels-error">{error()}</p></Show>

        <section class="drawer-section">
          <h3>Labels</h3>
          <ul class="plain-list">
            <For each={props.labels}>
              {(l) => (
                <li data-testid="label-item" data-label={l.name}>
                  <Show when={editingLabel() === l.id} fallback={<>
                    <LabelChip name={l.name} color={l.color} /> <span class="muted">{l.contactCount} contacts</span>
                    <button class="btn btn-ghost btn-sm" data-testid="label-edit" disabled={busy()} onClick={() => setEditingLabel(l.id)}>Edit</button>
                    <button class="btn btn-ghost btn-sm" data-testid="label-delete" disabled={busy()}
                      onClick={() => confirm(`Delete the label “${l.name}” from every contact?`) && void run(() => deleteLabel(l.id))}>Delete</button>
                  </>}>
                    <form class="inline-form" onSubmit={(e) => {
                      e.preventDefault();
                      const form = new FormData(e.currentTarget);
                      void run(async () => {
                        await updateLabel(l.id, { name: String(form.get('name')).trim(), color: String(form.get('color')) });
                        setEditingLabel(null);
                      });
                    }}>
                      <input name="name" data-testid="label-edit-name" value={l.name} aria-label="Label name" />
                      <input name="color" type="color" data-testid="label-edit-color" value={l.color} aria-label="Colour" />
                      <button class="btn btn-primary btn-sm" type="submit" data-testid="label-save" disabled={busy()}>Save</button>
                      <button class="btn btn-ghost btn-sm" type="button" onClick={() => setEditingLabel(null)}>Cancel</button>
                    </form>
                  </Show>
                </li>
              )}
            </For>
          </ul>
          <form class="inline-form" onSubmit={(e) => {
            e.preventDefault();
            void run(async () => { await createLabel({ name: labelName().trim(), color: color() }); setLabelName(''); });
          }}>
            <input placeholder="New label" data-testid="label-name" value={labelName()} onInput={(e) => setLabelName(e.currentTarget.value)} />
            <input type="color" data-testid="label-color" value={color()} onInput={(e) => setColor(e.currentTarget.value)} aria-label="Colour" />
            <button class="btn btn-primary btn-sm" type="submit" data-testid="label-create" disabled={busy() || !labelName().trim()}>Create label</button>
          </form>
        </section>

        <section class="drawer-section">
          <h3>Custom fields</h3>
          <ul class="plain-list">
            <For each={props.fields}>
              {(f) => (
                <li data-testid="field-item" data-field={f.key}>
                  <Show when={editingField() === f.id} fallback={<>
                    {f.name} <code>{f.key}</code> <span class="muted">{f.type.toLowerCase()}{f.choices?.length ? `: ${f.choices.join(', ')}` : ''}</span>
                    <button class="btn btn-ghost btn-sm" data-testid="field-edit" disabled={busy()} onClick={() => setEditingField(f.id)}>Edit</button>
                    <button class="btn btn-ghost btn-sm" data-testid="field-delete" disabled={busy()}
                      onClick={() => confirm(`Delete the field “${f.name}” and every contact's value of it?`) && void run(() => deleteCustomField(f.id))}>Delete</button>
                  </>}>
                    <form class="inline-form" onSubmit={(e) => {
                      e.preventDefault();
                      const form = new FormData(e.currentTarget);
                      const edited = String(form.get('choices') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
                      void run(async () => {
                        await updateCustomField(f.id, { name: String(form.get('name')).trim(), ...(f.type === 'CHOICE' ? { choices: edited } : {}) });
                        setEditingField(null);
                      });
                    }}>
                      <input name="name" data-testid="field-edit-name" value={f.name} aria-label="Field name" />
                      <Show when={f.type === 'CHOICE'}>
                        <input name="choices" data-testid="field-edit-choices" value={(f.choices ?? []).join(', ')} aria-label="Choices (comma separated)" />
                      </Show>
                      <button class="btn btn-primary btn-sm" type="submit" data-testid="field-save" disabled={busy()}>Save</button>
                      <button class="btn btn-ghost btn-sm" type="button" onClick={() => setEditingField(null)}>Cancel</button>
                    </form>
                  </Show>
                </li>
              )}
            </For>
          </ul>
          <form class="drawer-section" onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await createCustomField({
                name: fieldName().trim(), key: fieldKey().trim(), type: fieldType(),
                ...(fieldType() === 'CHOICE' ? { choices: choices().split(',').map((c) => c.trim()).filter(Boolean) } : {}),
              });
              setFieldName('');
              setFieldKey('');
              setChoices('');
              keyEdited = false;
            });
          }}>
            <div class="field-row">
              <label class="field field-compact"><span>Name</span>
                <input data-testid="field-name" value={fieldName()} onInput={(e) => {
                  setFieldName(e.currentTarget.value);
                  if (!keyEdited) setFieldKey(keyFrom(e.currentTarget.value));
                }} /></label>
              <label class="field field-compact"><span>Key</span>
                <input data-testid="field-key" value={fieldKey()} onInput={(e) => { keyEdited = true; setFieldKey(e.currentTarget.value); }} /></label>
            </div>
            <label class="field field-compact"><span>Type</span>
              <select data-testid="field-type" value={fieldType()} onChange={(e) => setFieldType(e.currentTarget.value as (typeof TYPES)[number])}>
                <For each={TYPES}>{(t) => <option value={t}>{t.toLowerCase()}</option>}</For>
              </select></label>
            <Show when={fieldType() === 'CHOICE'}>
              <label class="field field-compact"><span>Choices (comma separated)</span>
                <input data-testid="field-choices" value={choices()} onInput={(e) => setChoices(e.currentTarget.value)} /></label>
            </Show>
            <button class="btn btn-primary btn-sm" type="submit" data-testid="field-create" disabled={busy() || !fieldName().trim() || !fieldKey().trim()}>Create field</button>
          </form>
        </section>
      </div>
    </div>
  );
}
