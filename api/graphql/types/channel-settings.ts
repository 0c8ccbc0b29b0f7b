import { builder } from '../builder';
import type { ChannelOptions } from '../../../schema/entities/channel.entity';
import { WHATSAPP_WEB_RATE_PER_MINUTE } from '../../../connector/channels/send-rate';

/** A channel's settings with their defaults filled in. */
export interface ChannelSettings {
  ignoreGroups: boolean;
  ignoreBroadcasts: boolean;
  ignoreStatus: boolean;
  takeOverOnPhoneReply: boolean;
  ratePerMinute: number;
}

/** The settings a channel's options give, defaults included (groups, broadcasts and statuses ignored; a phone reply takes over). */
export function channelSettings(options: ChannelOptions | null): ChannelSettings {
  return {
    ignoreGroups: options?.ignoreGroups ?? true,
    ignoreBroadcasts: options?.ignoreBroadcasts ?? true,
    ignoreStatus: options?.ignoreStatus ?? true,
    takeOverOnPhoneReply: options?.takeOverOnPhoneReply ?? true,
    ratePerMinute: options?.ratePerMinute ?? WHATSAPP_WEB_RATE_PER_MINUTE,
  };
}

/** What a channel does with groups, broadcasts, statuses and replies typed on the phone, and how fast it sends. */
export const ChannelSettingsType = builder.objectRef<ChannelSettings>('ChannelSettings').implement({
  description: "A channel's settings (WhatsApp Web: what it ignores; every channel: its send rate).",
  fields: (t) => ({
    ignoreGroups: t.exposeBoolean('ignoreGroups', { description: 'Group messages are not answered or recorded.' }),
    ignoreBroadcasts: t.exposeBoolean('ignoreBroadcasts', { description: 'Broadcast-list messages are not answered or recorded.' }),
    ignoreStatus: t.exposeBoolean('ignoreStatus', { description: 'Status updates are not recorded.' }),
    takeOverOnPhoneReply: t.exposeBoolean('takeOverOnPhoneReply', { description: 'A reply typed on the business phone takes the conversation over from the bot.' }),
    ratePerMinute: t.exposeInt('ratePerMinute', { description: 'Sends per minute at most; a new WhatsApp Web number sends less in its first week (warm-up).' }),
  }),
});
