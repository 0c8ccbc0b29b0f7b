import { createSignal } from 'solid-js';
import { createStore, type SetStoreFunction } from 'solid-js/store';
import { type DraftErrors, draftFromSettings, EMPTY_SETTINGS, type SettingsDraft, withoutErrors } from '../../lib/settings-draft';

/** What every settings section edits: the shared draft and its field errors. */
export interface SettingsForm {
  draft: SettingsDraft;
  setDraft: SetStoreFunction<SettingsDraft>;
  errors(): DraftErrors;
  setErrors(errors: DraftErrors): void;
  /** Drops the error on `key` once the user edits that field. */
  clearError(key: string): void;
  /** Drops every error whose key starts with `prefix` (e.g. one day's hours). */
  clearErrors(prefix: string): void;
}

/** The settings page's form state, shared by its sections. */
export function createSettingsForm(): SettingsForm {
  const [draft, setDraft] = createStore<SettingsDraft>(draftFromSettings(EMPTY_SETTINGS));
  const [errors, setErrors] = createSignal<DraftErrors>({});
  return {
    draft,
    setDraft,
    errors,
    setErrors,
    clearError: (key) => {
      if (errors()[key]) setErrors(({ [key]: _removed, ...rest }) => rest);
    },
    clearErrors: (prefix) => setErrors((all) => withoutErrors(all, prefix)),
  };
}
