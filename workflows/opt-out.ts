/**
 * Opt-out by keyword (issue 12): an inbound message that is exactly one of the workspace's
 * opt-out words opts its contact out of broadcasts and is answered with a confirmation; an opt-in
 * word opts them back in. Pure: the conversation workflow asks it before routing, tests call it.
 */
import { normalize } from './routing';

/** What the workflow caches of the bot settings for this (absent in settings read before opt-out existed: the defaults). */
export interface OptOutSettings {
  optOutKeywords?: string[];
  optInKeywords?: string[];
  optOutReply?: string | null;
  optInReply?: string | null;
}

export type OptOutDecision = { optedOut: boolean; reply: string };

const DEFAULT_OPT_OUT = ['STOP', 'UNSUBSCRIBE', 'BAJA'];
const DEFAULT_OPT_IN = ['START'];

/**
 * Opt out, opt in, or null (not an opt-out word: route as usual). Words compare as keyword rules
 * do (case, accents, spacing and trailing punctuation aside): "Stop." and " stop " are STOP.
 */
export function optOutDecision(text: string, settings: OptOutSettings | null | undefined): OptOutDecision | null {
  const said = normalize(text);
  if (!said) return null;
  const optOut = settings?.optOutKeywords?.length ? settings.optOutKeywords : DEFAULT_OPT_OUT;
  const optIn = settings?.optInKeywords?.length ? settings.optInKeywords : DEFAULT_OPT_IN;
  if (optOut.some((word) => normalize(word) === said)) {
    return { optedOut: true, reply: settings?.optOutReply || `You're unsubscribed and will get no more broadcasts from us. Reply ${optIn[0]} to subscribe again.` };
  }
  if (optIn.some((word) => normalize(word) === said)) {
    return { optedOut: false, reply: settings?.optInReply || `You're subscribed again. Reply ${optOut[0]} to unsubscribe.` };
  }
  return null;
}
