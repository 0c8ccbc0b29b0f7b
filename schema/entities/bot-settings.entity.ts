import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.entity';

/** Opening hours per weekday (0 = Sunday), "HH:MM" local to the settings' time zone. */
export interface BusinessHours {
  [weekday: string]: { open: string; close: string }[];
}

/** Business hours are read in this zone until the workspace picks one. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** The longest a customer may wait for an agent in human mode: 7 days. */
export const MAX_HUMAN_SLA_SECONDS = 604_800;

/** The word that ends a contact's running flow unless the workspace picks another. */
export const DEFAULT_FLOW_CANCEL_KEYWORD = 'stop';

/** Inbound messages that opt a contact out of broadcasts unless the workspace picks others (compared case-insensitively, trimmed). */
export const DEFAULT_OPT_OUT_KEYWORDS = ['STOP', 'UNSUBSCRIBE', 'BAJA'];
/** Inbound messages that opt a contact back in. */
export const DEFAULT_OPT_IN_KEYWORDS = ['START'];

/** A workspace's fallback replies: the default reply in business hours, the away message outside; the human-mode SLA; the flow cancel keyword. */
export const BotSettings = defineEntity({
  name: 'BotSettings',
  tableName: 'bot_settings',
  properties: {
    workspaceId: p.oneToOne(Workspace).mapToPk().fieldName('workspace_id').primary().deleteRule('cascade').updateRule('no action'),
    defaultReply: p.text().nullable(),
    awayMessage: p.text().nullable(),
    timeZone: p.text().default(DEFAULT_TIME_ZONE),
    businessHours: p.json<BusinessHours>().nullable(),
    humanSlaSeconds: p.integer().nullable().check(`(human_sla_seconds is null) or ((human_sla_seconds >= 1) and (human_sla_seconds <= ${MAX_HUMAN_SLA_SECONDS}))`),
    slaFallbackMessage: p.text().nullable(),
    /** A contact's message that is exactly this (case-insensitive, trimmed) ends their running flow. */
    flowCancelKeyword: p.text().default(DEFAULT_FLOW_CANCEL_KEYWORD),
    /** A message equal to one of these opts its contact out of broadcasts (workflows/opt-out.ts). */
    optOutKeywords: p.array<string>().defaultRaw(`'{STOP,UNSUBSCRIBE,BAJA}'`),
    optInKeywords: p.array<string>().defaultRaw(`'{START}'`),
    /** The confirmation an opt-out or opt-in is answered with; null: the built-in one (schema/bot-settings-defaults.ts). */
    optOutReply: p.text().nullable(),
    optInReply: p.text().nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export type BotSettings = InferEntity<typeof BotSettings>;
