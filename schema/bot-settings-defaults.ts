/**
 * A workspace's bot settings, and what they are when it has none: the one place these defaults
 * live (the API shows them, the conversation routes by them, sign-up writes the first reply).
 */
import { DEFAULT_FLOW_CANCEL_KEYWORD, DEFAULT_OPT_IN_KEYWORDS, DEFAULT_OPT_OUT_KEYWORDS, DEFAULT_TIME_ZONE, type BotSettings } from './entities/bot-settings.entity';

type SettingsKey = 'defaultReply' | 'awayMessage' | 'timeZone' | 'businessHours' | 'humanSlaSeconds' | 'slaFallbackMessage' | 'flowCancelKeyword'
  | 'optOutKeywords' | 'optInKeywords' | 'optOutReply' | 'optInReply';

/** The settings' values (the entity's, without the row's key and bookkeeping), every one present: null is "none". */
export type BotSettingsValues = { [K in SettingsKey]-?: Exclude<BotSettings[K], undefined> };

/** The default reply a new workspace starts with, so a first customer message is answered at all. */
export const NEW_WORKSPACE_DEFAULT_REPLY = "Thanks for your message! We'll get back to you shortly.";

/** Without a row: no replies (silence), always open, no human-mode SLA, flows end on `stop`. */
export const NO_BOT_SETTINGS: BotSettingsValues = {
  defaultReply: null,
  awayMessage: null,
  timeZone: DEFAULT_TIME_ZONE,
  businessHours: null,
  humanSlaSeconds: null,
  slaFallbackMessage: null,
  flowCancelKeyword: DEFAULT_FLOW_CANCEL_KEYWORD,
  optOutKeywords: [...DEFAULT_OPT_OUT_KEYWORDS],
  optInKeywords: [...DEFAULT_OPT_IN_KEYWORDS],
  optOutReply: null,
  optInReply: null,
};

/** A workspace's settings values: its row's, or NO_BOT_SETTINGS when it has none. */
export function botSettingsValues(row: BotSettings | null | undefined): BotSettingsValues {
  if (!row) return { ...NO_BOT_SETTINGS };
  const { defaultReply, awayMessage, timeZone, businessHours, humanSlaSeconds, slaFallbackMessage, flowCancelKeyword, optOutKeywords, optInKeywords, optOutReply, optInReply } = row;
  return {
    defaultReply: defaultReply ?? null,
    awayMessage: awayMessage ?? null,
    timeZone,
    businessHours: businessHours ?? null,
    humanSlaSeconds: humanSlaSeconds ?? null,
    slaFallbackMessage: slaFallbackMessage ?? null,
    flowCancelKeyword,
    optOutKeywords,
    optInKeywords,
    optOutReply: optOutReply ?? null,
    optInReply: optInReply ?? null,
  };
}
