import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Channel } from './channel.entity';

export const BROADCAST_STATUSES = ['DRAFT', 'SCHEDULED', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED', 'FAILED'] as const;
/**
 * DRAFT until startBroadcast; SCHEDULED while its durable timer waits for scheduledAt; RUNNING and
 * PAUSED while recipients are sent; COMPLETED (every recipient ended), CANCELLED and FAILED are final.
 * FAILED: it cannot go on until someone fixes its channel (the channel refuses every send: credentials
 * rejected, number locked, no such channel), or its workflow failed (an activity out of time); `error`
 * says why, the recipient whose send found it is FAILED and the ones not sent are SKIPPED.
 */
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];
export const FINAL_BROADCAST_STATUSES: readonly BroadcastStatus[] = ['COMPLETED', 'CANCELLED', 'FAILED'];

/** A Cloud API template message: its name, language and the body's {{n}} values in order (each may use {{contact.*}}). */
export interface BroadcastTemplate {
  name: string;
  language: string;
  variables: string[];
}

/** Who a broadcast goes to: contacts with any of these labels, a segment's contacts, or these contacts. Exactly one is set. */
export interface BroadcastAudience {
  labelIds?: string[];
  segmentId?: string;
  contactIds?: string[];
}

/** A campaign to many contacts over one channel; its live state is the workflow `broadcast:<id>` (workflows/broadcasts). */
export const Broadcast = defineEntity({
  name: 'Broadcast',
  tableName: 'broadcasts',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    channelId: p.manyToOne(Channel).mapToPk().fieldName('channel_id').deleteRule('cascade'),
    name: p.text(),
    /** A text message (may use {{contact.name}}, {{contact.fields.<key>}}); null: a template message. */
    text: p.text().nullable(),
    template: p.json<BroadcastTemplate>().nullable(),
    audience: p.json<BroadcastAudience>(),
    /** startBroadcast waits for this time (a durable timer); null: at once. */
    scheduledAt: p.datetime().nullable(),
    /** The broadcast's own pace, under the channel's limit; null: as fast as the channel allows. */
    ratePerMinute: p.integer().nullable(),
    status: p.enum(BROADCAST_STATUSES).default('DRAFT'),
    /** Recipients snapshotted when it started (0 before). The per-status counts are read from broadcast_recipients. */
    total: p.integer().default(0),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    /** Why a FAILED broadcast failed, in words (the channel's or the workflow's error). */
    error: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'broadcasts_workspace', expression: 'create index broadcasts_workspace on broadcasts (workspace_id, created_at desc, id desc)' }],
});
export type Broadcast = InferEntity<typeof Broadcast>;
