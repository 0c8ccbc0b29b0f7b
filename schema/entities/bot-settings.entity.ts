import { defineEntity, p } from '@mikro-orm/core';

/** Opening hours per weekday (0 = Sunday), "HH:MM" local to the settings' time zone. */
export interface BusinessHours {
  [weekday: string]: { open: string; close: string }[];
}

/** A workspace's fallback replies: the default reply in business hours, the away message outside. */
export const BotSettings = defineEntity({
  name: 'BotSettings',
  tableName: 'bot_settings',
  properties: {
    workspaceId: p.uuid().primary(),
    defaultReply: p.text().nullable(),
    awayMessage: p.text().nullable(),
    timeZone: p.text().default('UTC'),
    businessHours: p.json<BusinessHours>().nullable(),
    humanSlaSeconds: p.integer().nullable(),
    slaFallbackMessage: p.text().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
