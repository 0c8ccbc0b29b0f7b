import { For, Match, Show, Switch } from 'solid-js';
import type { Message } from '../graphql/fragments';
import { chosenTitle, contactsOf, formatBytes, locationOf, unsupportedLabel } from '../lib/message-details';

const MEDIA_PLACEHOLDER: Partial<Record<Message['type'], string>> = {
  IMAGE: 'Image', STICKER: 'Sticker', AUDIO: 'Audio', VOICE: 'Voice message', VIDEO: 'Video', DOCUMENT: 'Document',
};

/**
 * What a message says, by its type: an image (a thumbnail that opens full size), a sticker, an
 * audio or voice player, a video, a document to download, a location with a map link, contact
 * cards, the chosen button or row, a reaction; never a blank bubble.
 */
export function MessageBody(props: { message: Message }) {
  const m = () => props.message;
  const url = () => m().media?.url ?? null;
  // A media message's text is its caption, or the channel's summary of it ("🎤 voice message"): shown either way.
  const caption = () => m().text;
  return (
    <Switch fallback={<div class="bubble-text" data-testid="bubble-text">{m().text}</div>}>
      <Match when={MEDIA_PLACEHOLDER[m().type] && !url()}>
        <div class="media-pending" data-testid="media-pending">
          {m().media?.unavailableReason ? `${MEDIA_PLACEHOLDER[m().type]} not available: ${m().media!.unavailableReason}` : `${MEDIA_PLACEHOLDER[m().type]}…`}
        </div>
        <Caption text={m().text} />
      </Match>
      <Match when={m().type === 'IMAGE' || m().type === 'STICKER'}>
        <a href={url()!} target="_blank" rel="noopener" class="media-link" data-testid="media-image-link" title="Open full size">
          <img src={url()!} alt={caption() || MEDIA_PLACEHOLDER[m().type]} loading="lazy"
            classList={{ 'media-image': m().type === 'IMAGE', 'media-sticker': m().type === 'STICKER' }} data-testid="media-image" />
        </a>
        <Show when={m().type === 'IMAGE'}><Caption text={caption()} /></Show>
      </Match>
      <Match when={m().type === 'AUDIO' || m().type === 'VOICE'}>
        <audio controls preload="metadata" src={url()!} class="media-audio" data-testid="media-audio" />
        <Caption text={caption()} />
      </Match>
      <Match when={m().type === 'VIDEO'}>
        <video controls preload="metadata" src={url()!} class="media-video" data-testid="media-video" />
        <Caption text={caption()} />
      </Match>
      <Match when={m().type === 'DOCUMENT'}>
        <a href={url()!} download={m().media?.fileName ?? ''} class="media-document" data-testid="media-document">
          <span class="media-document-icon" aria-hidden="true">📄</span>
          <span class="media-document-name">{m().media?.fileName || 'Document'}</span>
          <span class="media-document-size">{formatBytes(m().media?.size)}</span>
        </a>
        <Caption text={caption()} />
      </Match>
      <Match when={m().type === 'LOCATION' && locationOf(m().details)}>
        {(location) => (
          <a href={location().mapUrl} target="_blank" rel="noopener noreferrer" class="message-location" data-testid="message-location">
            <span class="message-location-pin" aria-hidden="true">📍</span>
            <span>
              <span class="message-location-name">{location().label}</span>
              <Show when={location().address}><span class="message-location-address">{location().address}</span></Show>
              <span class="message-location-open">Open map</span>
            </span>
          </a>
        )}
      </Match>
      <Match when={m().type === 'CONTACTS' && contactsOf(m().details).length > 0}>
        <div class="message-contacts" data-testid="message-contacts">
          <For each={contactsOf(m().details)}>
            {(card) => (
              <div class="message-contact">
                <span class="message-contact-name">👤 {card.name}</span>
                <For each={card.phones}>{(phone) => <span class="message-contact-phone">{phone}</span>}</For>
              </div>
            )}
          </For>
        </div>
      </Match>
      <Match when={m().type === 'BUTTON_REPLY' || m().type === 'LIST_REPLY'}>
        <div class="message-choice" data-testid="message-choice">
          <span class="message-choice-label">{m().type === 'BUTTON_REPLY' ? 'Tapped' : 'Chose'}</span> {chosenTitle(m().details, m().text)}
        </div>
      </Match>
      <Match when={m().type === 'UNSUPPORTED'}>
        <div class="message-unsupported" data-testid="message-unsupported">{unsupportedLabel(m().details)}</div>
        <Show when={m().text && !m().text.toLowerCase().startsWith('unsupported message')}><Caption text={m().text} /></Show>
      </Match>
    </Switch>
  );
}

function Caption(props: { text: string }) {
  return (
    <Show when={props.text}>
      <div class="bubble-text" data-testid="bubble-text">{props.text}</div>
    </Show>
  );
}
