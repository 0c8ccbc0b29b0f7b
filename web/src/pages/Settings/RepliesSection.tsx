import { ReplyIcon } from '../../components/Icons';
import type { SettingsForm } from './form';
import { SettingsSection } from './SettingsSection';
import { TextField } from './TextField';

/** The default reply and the away message (what the bot says when no keyword rule matches), and the word that leaves a flow. */
export function RepliesSection(props: { form: SettingsForm }) {
  const { draft, setDraft, errors, clearError } = props.form;
  return (
    <SettingsSection icon={<ReplyIcon />} title="Automatic replies"
      description="Sent when no keyword rule matches. Leave a reply empty to stay silent.">
      <div class="card form">
        <TextField label="Default reply" hint="Sent during business hours." testid="settings-default-reply"
          placeholder="Thanks for your message! We'll get back to you shortly."
          value={draft.defaultReply} error={errors().defaultReply}
          onInput={(v) => { setDraft('defaultReply', v); clearError('defaultReply'); }} />
        <TextField label="Away message" hint="Sent outside business hours instead of the default reply." testid="settings-away-message"
          placeholder="We're closed right now. We'll answer as soon as we're back — Monday to Friday, 9:00–17:00."
          value={draft.awayMessage} error={errors().awayMessage}
          onInput={(v) => { setDraft('awayMessage', v); clearError('awayMessage'); }} />
        <TextField label="Flow stop word" hint="A customer who sends exactly this word leaves the flow they are in." testid="settings-flow-cancel-keyword"
          placeholder="stop"
          value={draft.flowCancelKeyword} error={errors().flowCancelKeyword}
          onInput={(v) => { setDraft('flowCancelKeyword', v); clearError('flowCancelKeyword'); }} />
        <TextField label="Opt-out words" hint="A customer who sends exactly one of these (any case), separated by commas, gets no more broadcasts; START opts back in." testid="settings-opt-out-keywords"
          placeholder="STOP, UNSUBSCRIBE, BAJA"
          value={draft.optOutKeywords} error={errors().optOutKeywords}
          onInput={(v) => { setDraft('optOutKeywords', v); clearError('optOutKeywords'); }} />
      </div>
    </SettingsSection>
  );
}
