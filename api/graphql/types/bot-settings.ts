import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { validate } from '../errors';
import { toMinutes, type BusinessHoursSnapshot } from '../../../workflows/routing';

interface OpeningRange {
  weekday: number;
  open: string;
  close: string;
}

export interface BotSettingsView {
  defaultReply: string | null;
  awayMessage: string | null;
  timeZone: string;
  businessHours: OpeningRange[] | null;
  humanSlaSeconds: number | null;
  slaFallbackMessage: string | null;
}

const OpeningRangeType = builder.objectRef<OpeningRange>('OpeningRange').implement({
  description: 'Open from `open` to `close` ("HH:MM", local to the settings time zone) on `weekday` (0 = Sunday).',
  fields: (t) => ({ weekday: t.exposeInt('weekday'), open: t.exposeString('open'), close: t.exposeString('close') }),
});

const BotSettingsType = builder.objectRef<BotSettingsView>('BotSettings').implement({
  description: "The workspace's fallback replies, business hours and human-mode SLA.",
  fields: (t) => ({
    defaultReply: t.exposeString('defaultReply', { nullable: true, description: 'Sent in business hours when no rule matches; null: silence.' }),
    awayMessage: t.exposeString('awayMessage', { nullable: true, description: 'Sent outside business hours; null: silence.' }),
    timeZone: t.exposeString('timeZone'),
    businessHours: t.field({ type: [OpeningRangeType], nullable: true, description: 'null: always open.', resolve: (s) => s.businessHours }),
    humanSlaSeconds: t.exposeInt('humanSlaSeconds', { nullable: true }),
    slaFallbackMessage: t.exposeString('slaFallbackMessage', { nullable: true }),
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
  }),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like 09:00');
const reply = z.string().trim().min(1, 'must not be empty (use null for none)').max(4096, 'is longer than WhatsApp allows (4096 characters)');
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
    .nullish(),
  businessHours: z
    .array(
      z
        .object({ weekday: z.number().int().min(0, 'must be 0 (Sunday) to 6').max(6, 'must be 0 (Sunday) to 6'), open: hhmm, close: hhmm })
        .refine((r) => toMinutes(r.open) < toMinutes(r.close), { message: 'closes before it opens', path: ['close'] }),
    )
    .max(50)
    .nullish(),
  humanSlaSeconds: z.number().int().min(1, 'must be at least 1 second').max(604800, 'must be at most 7 days').nullish(),
  slaFallbackMessage: reply.nullish(),
});

interface SettingsRow {
  default_reply: string | null;
  away_message: string | null;
  time_zone: string;
  business_hours: BusinessHoursSnapshot | null;
  human_sla_seconds: number | null;
  sla_fallback_message: string | null;
}

async function loadSettings(em: EntityManager, workspaceId: string): Promise<BotSettingsView> {
  const [row] = await em.execute<SettingsRow[]>(
    'select default_reply, away_message, time_zone, business_hours, human_sla_seconds, sla_fallback_message from bot_settings where workspace_id = ?',
    [workspaceId],
  );
  return {
    defaultReply: row?.default_reply ?? null,
    awayMessage: row?.away_message ?? null,
    timeZone: row?.time_zone ?? 'UTC',
    businessHours: row?.business_hours ? toRanges(row.business_hours) : null,
    humanSlaSeconds: row?.human_sla_seconds ?? null,
    slaFallbackMessage: row?.sla_fallback_message ?? null,
  };
}

function toRanges(hours: BusinessHoursSnapshot): OpeningRange[] {
  return Object.entries(hours).flatMap(([weekday, ranges]) => ranges.map((r) => ({ weekday: Number(weekday), ...r })));
}

function toSnapshot(ranges: OpeningRange[]): BusinessHoursSnapshot {
  const hours: BusinessHoursSnapshot = {};
  for (const { weekday, open, close } of ranges) (hours[String(weekday)] ??= []).push({ open, close });
  return hours;
}

builder.queryField('botSettings', (t) =>
  t.field({ type: BotSettingsType, resolve: (_root, _args, ctx) => loadSettings(ctx.orm.em.fork(), requireAuth(ctx).workspaceId) }),
);

builder.mutationField('updateBotSettings', (t) =>
  t.field({
    type: BotSettingsType,
    args: { input: t.arg({ type: UpdateBotSettingsInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const input = validate(updateSchema, args.input);
      const em = ctx.orm.em.fork();
      const current = await loadSettings(em, workspaceId);
      const pick = <K extends keyof BotSettingsView>(key: K, value: BotSettingsView[K] | undefined) => (value === undefined ? current[key] : value);
      const next: BotSettingsView = {
        defaultReply: pick('defaultReply', input.defaultReply),
        awayMessage: pick('awayMessage', input.awayMessage),
        timeZone: input.timeZone ?? current.timeZone,
        businessHours: pick('businessHours', input.businessHours),
        humanSlaSeconds: pick('humanSlaSeconds', input.humanSlaSeconds),
        slaFallbackMessage: pick('slaFallbackMessage', input.slaFallbackMessage),
      };
      await em.execute(
        `insert into bot_settings (workspace_id, default_reply, away_message, time_zone, business_hours, human_sla_seconds, sla_fallback_message, updated_at)
         values (?, ?, ?, ?, ?::jsonb, ?, ?, now())
         on conflict (workspace_id) do update set default_reply = excluded.default_reply, away_message = excluded.away_message,
           time_zone = excluded.time_zone, business_hours = excluded.business_hours, human_sla_seconds = excluded.human_sla_seconds,
           sla_fallback_message = excluded.sla_fallback_message, updated_at = now()`,
        [
          workspaceId, next.defaultReply, next.awayMessage, next.timeZone,
          next.businessHours ? JSON.stringify(toSnapshot(next.businessHours)) : null,
          next.humanSlaSeconds, next.slaFallbackMessage,
        ],
      );
      return next;
    },
  }),
);
