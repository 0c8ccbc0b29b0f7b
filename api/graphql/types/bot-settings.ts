import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { validate } from '../errors';
import { toMinutes } from '../../../workflows/routing';
import { BotSettings, MAX_HUMAN_SLA_SECONDS, type BusinessHours } from '../../../schema/entities/bot-settings.entity';
import { botSettingsValues, type BotSettingsValues } from '../../../schema/bot-settings-defaults';

interface OpeningRange {
  weekday: number;
  open: string;
  close: string;
}

const OpeningRangeType = builder.objectRef<OpeningRange>('OpeningRange').implement({
  description: 'Open from `open` to `close` ("HH:MM", local to the settings time zone) on `weekday` (0 = Sunday).',
  fields: (t) => ({ weekday: t.exposeInt('weekday'), open: t.exposeString('open'), close: t.exposeString('close') }),
});

/** A workspace's bot settings (the BotSettings entity's values, or the defaults when it has no row). */
const BotSettingsType = builder.objectRef<BotSettingsValues>('BotSettings').implement({
  description: "The workspace's fallback replies, business hours and human-mode SLA.",
  fields: (t) => ({
    defaultReply: t.exposeString('defaultReply', { nullable: true, description: 'Sent in business hours when no rule matches; null: silence.' }),
    awayMessage: t.exposeString('awayMessage', { nullable: true, description: 'Sent outside business hours; null: silence.' }),
    timeZone: t.exposeString('timeZone'),
    businessHours: t.field({
      type: [OpeningRangeType],
      nullable: true,
      description: 'null: always open.',
      resolve: (s) => (s.businessHours ? toRanges(s.businessHours) : null),
    }),
    humanSlaSeconds: t.exposeInt('humanSlaSeconds', { nullable: true }),
    slaFallbackMessage: t.exposeString('slaFallbackMessage', { nullable: true }),
    flowCancelKeyword: t.exposeString('flowCancelKeyword', { description: "A contact's message that is exactly this word (any case) ends their running flow; default `stop`." }),
    optOutKeywords: t.exposeStringList('optOutKeywords', { description: 'A message that is exactly one of these (any case, trimmed) opts its contact out of broadcasts; default STOP, UNSUBSCRIBE, BAJA.' }),
    optInKeywords: t.exposeStringList('optInKeywords', { description: 'A message that is exactly one of these opts its contact back in; default START.' }),
    optOutReply: t.exposeString('optOutReply', { nullable: true, description: 'The opt-out confirmation; null: the built-in one.' }),
    optInReply: t.exposeString('optInReply', { nullable: true, description: 'The opt-in confirmation; null: the built-in one.' }),
  }),
});

const OpeningRangeInput = builder.inputType('OpeningRangeInput', {
  fields: (t) => ({ weekday: t.int({ required: true }), open: t.string({ required: true }), close: t.string({ required: true }) }),
});

const UpdateBotSettingsInput = builder.inputType('UpdateBotSettingsInput', {
  description: 'Fields left out keep their value; null clears one.',
  fields: (t) => ({
    defaultReply: t.string(),
    awayMessage: t.string(),
    timeZone: t.string(),
    businessHours: t.field({ type: [OpeningRangeInput] }),
    humanSlaSeconds: t.int(),
    slaFallbackMessage: t.string(),
    flowCancelKeyword: t.string(),
    optOutKeywords: t.stringList(),
    optInKeywords: t.stringList(),
    optOutReply: t.string(),
    optInReply: t.string(),
  }),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like 09:00');
const reply = z.string().trim().min(1, 'must not be empty (use null for none)').max(4096, 'is longer than WhatsApp allows (4096 characters)');
const keywordList = z
  .array(z.string().trim().min(1, 'must not be empty').max(50, 'is longer than 50 characters').transform((k) => k.toUpperCase()))
  .min(1, 'needs at least one keyword')
  .max(20, 'has more than 20 keywords')
  .transform((list) => [...new Set(list)]);
const updateSchema = z.object({
  defaultReply: reply.nullish(),
  awayMessage: reply.nullish(),
  timeZone: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'is not an IANA time zone like Europe/Berlin')
    // null keeps the zone: a workspace always has one.
    .nullish(),
  businessHours: z
    .array(
      z
        .object({ weekday: z.number().int().min(0, 'must be 0 (Sunday) to 6').max(6, 'must be 0 (Sunday) to 6'), open: hhmm, close: hhmm })
        .refine((r) => toMinutes(r.open) < toMinutes(r.close), { message: 'closes before it opens', path: ['close'] }),
    )
    .max(50)
    .transform(toBusinessHours)
    .nullish(),
  humanSlaSeconds: z.number().int().min(1, 'must be at least 1 second').max(MAX_HUMAN_SLA_SECONDS, 'must be at most 7 days').nullish(),
  slaFallbackMessage: reply.nullish(),
  // null keeps the keyword: a running flow can always be left.
  flowCancelKeyword: z.string().trim().min(1, 'must not be empty').max(50, 'is longer than 50 characters').nullish(),
  // null keeps the keywords: a contact can always opt out (and back in).
  optOutKeywords: keywordList.nullish(),
  optInKeywords: keywordList.nullish(),
  optOutReply: reply.nullish(),
  optInReply: reply.nullish(),
})
  .refine((s) => !(s.optOutKeywords && s.optInKeywords && s.optOutKeywords.some((k) => s.optInKeywords!.includes(k))), {
    message: 'a word cannot both opt out and opt in',
    path: ['optInKeywords'],
  });

/** The workspace's settings, or the defaults when it has never saved any. */
async function loadBotSettings(em: EntityManager, workspaceId: string): Promise<BotSettingsValues> {
  return botSettingsValues(await em.findOne(BotSettings, { workspaceId }));
}

/**
 * Writes only the fields given, in one statement (an upsert merging just those columns), so two
 * managers saving different fields at once both keep their change.
 */
export async function updateBotSettings(em: EntityManager, workspaceId: string, changes: Partial<BotSettingsValues>): Promise<BotSettingsValues> {
  const fields = (Object.keys(changes) as (keyof BotSettingsValues)[]).filter((key) => changes[key] !== undefined);
  if (fields.length === 0) return loadBotSettings(em, workspaceId);
  const given = Object.fromEntries(fields.map((key) => [key, changes[key]])) as Partial<BotSettingsValues>;
  const row = await em.upsert(
    BotSettings,
    { ...given, workspaceId, updatedAt: new Date() },
    { onConflictFields: ['workspaceId'], onConflictMergeFields: [...fields, 'updatedAt'] },
  );
  return botSettingsValues(row);
}

function toRanges(hours: BusinessHours): OpeningRange[] {
  return Object.entries(hours).flatMap(([weekday, ranges]) => ranges.map((r) => ({ weekday: Number(weekday), ...r })));
}

function toBusinessHours(ranges: OpeningRange[]): BusinessHours {
  const hours: BusinessHours = {};
  for (const { weekday, open, close } of ranges) (hours[String(weekday)] ??= []).push({ open, close });
  return hours;
}

builder.queryField('botSettings', (t) =>
  t.field({ type: BotSettingsType, resolve: (_root, _args, ctx) => loadBotSettings(ctx.orm.em.fork(), requireAuth(ctx).workspaceId) }),
);

builder.mutationField('updateBotSettings', (t) =>
  t.field({
    type: BotSettingsType,
    args: { input: t.arg({ type: UpdateBotSettingsInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const { timeZone, flowCancelKeyword, optOutKeywords, optInKeywords, ...input } = validate(updateSchema, args.input);
      return updateBotSettings(ctx.orm.em.fork(), workspaceId, {
        ...input,
        timeZone: timeZone ?? undefined,
        flowCancelKeyword: flowCancelKeyword ?? undefined,
        optOutKeywords: optOutKeywords ?? undefined,
        optInKeywords: optInKeywords ?? undefined,
      });
    },
  }),
);
