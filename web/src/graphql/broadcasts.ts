/** The Broadcasts pages' operations: the list, the composer (live audience count, per-contact preview), the campaign page and its live progress. */
import { gql } from './client';
import { graphql, type ResultOf, type VariablesOf } from './graphql';
import { subscribe } from './subscribe';

export const BroadcastFields = graphql(`
  fragment BroadcastFields on Broadcast {
    id name channelId status text template { name language variables } audience scheduledAt ratePerMinute
    total pending sent delivered read failed skipped uncertain error startedAt finishedAt createdAt temporalUrl
  }
`);
/** A broadcast as the dashboard holds it; `audience` is the BroadcastAudienceInput it was made with (the API's JSON scalar, typed here). */
export type Broadcast = Omit<ResultOf<typeof BroadcastFields>, 'audience'> & { audience: BroadcastAudience };
export type BroadcastStatus = Broadcast['status'];

const BroadcastsQuery = graphql(`
  query Broadcasts($first: Int, $after: String) {
    broadcasts(first: $first, after: $after) { edges { node { ...BroadcastFields } } pageInfo { hasNextPage endCursor } }
  }
`, [BroadcastFields]);
const BroadcastQuery = graphql(`query Broadcast($id: ID!) { broadcast(id: $id) { ...BroadcastFields } }`, [BroadcastFields]);
const RecipientsQuery = graphql(`
  query BroadcastRecipients($id: ID!, $first: Int, $after: String, $status: BroadcastRecipientStatus) {
    broadcast(id: $id) {
      id
      recipients(first: $first, after: $after, status: $status) {
        edges { node { id status error sentAt contact { id phone name } } } pageInfo { hasNextPage endCursor }
      }
    }
  }
`);
export type BroadcastRecipient = NonNullable<ResultOf<typeof RecipientsQuery>['broadcast']>['recipients']['edges'][number]['node'];
export type RecipientStatus = BroadcastRecipient['status'];

const AudienceCountQuery = graphql(`
  query BroadcastAudienceCount($audience: BroadcastAudienceInput!) { broadcastAudienceCount(audience: $audience) { total sendable } }
`);
export type BroadcastAudience = VariablesOf<typeof AudienceCountQuery>['audience'];
export type AudienceCount = ResultOf<typeof AudienceCountQuery>['broadcastAudienceCount'];

const PreviewQuery = graphql(`
  query BroadcastPreview($contactId: ID!, $text: String, $template: BroadcastTemplateInput) {
    broadcastPreview(contactId: $contactId, text: $text, template: $template) { text variables }
  }
`);
export type BroadcastPreview = ResultOf<typeof PreviewQuery>['broadcastPreview'];
export type BroadcastTemplateInput = NonNullable<VariablesOf<typeof PreviewQuery>['template']>;

const CreateBroadcast = graphql(`mutation CreateBroadcast($input: CreateBroadcastInput!) { createBroadcast(input: $input) { ...BroadcastFields } }`, [BroadcastFields]);
export type CreateBroadcastInput = VariablesOf<typeof CreateBroadcast>['input'];
const UpdateBroadcast = graphql(`
  mutation UpdateBroadcast($id: ID!, $input: CreateBroadcastInput!) { updateBroadcast(id: $id, input: $input) { ...BroadcastFields } }
`, [BroadcastFields]);
const DeleteBroadcast = graphql(`mutation DeleteBroadcast($id: ID!) { deleteBroadcast(id: $id) }`);
const StartBroadcast = graphql(`mutation StartBroadcast($id: ID!) { startBroadcast(id: $id) { ...BroadcastFields } }`, [BroadcastFields]);
const PauseBroadcast = graphql(`mutation PauseBroadcast($id: ID!) { pauseBroadcast(id: $id) { ...BroadcastFields } }`, [BroadcastFields]);
const ResumeBroadcast = graphql(`mutation ResumeBroadcast($id: ID!) { resumeBroadcast(id: $id) { ...BroadcastFields } }`, [BroadcastFields]);
const CancelBroadcast = graphql(`mutation CancelBroadcast($id: ID!) { cancelBroadcast(id: $id) { ...BroadcastFields } }`, [BroadcastFields]);
const ProgressSubscription = graphql(`subscription BroadcastProgress($id: ID!) { broadcastProgress(id: $id) { ...BroadcastFields } }`, [BroadcastFields]);

// The JSON scalar is typed for Message.details; a broadcast's JSON is its audience.
const asBroadcast = (b: ResultOf<typeof BroadcastFields>): Broadcast => b as unknown as Broadcast;

export interface BroadcastPage { broadcasts: Broadcast[]; endCursor: string | null; hasNextPage: boolean }

/** The workspace's broadcasts, newest first, a keyset page at a time. */
export async function fetchBroadcasts(first = 50, after: string | null = null): Promise<BroadcastPage> {
  const page = (await gql(BroadcastsQuery, { first, after })).broadcasts;
  return { broadcasts: page.edges.map((e) => asBroadcast(e.node)), endCursor: page.pageInfo.endCursor ?? null, hasNextPage: page.pageInfo.hasNextPage };
}

export async function fetchBroadcast(id: string): Promise<Broadcast | null> {
  const b = (await gql(BroadcastQuery, { id })).broadcast;
  return b ? asBroadcast(b) : null;
}

export interface RecipientPage { recipients: BroadcastRecipient[]; endCursor: string | null; hasNextPage: boolean }

export async function fetchRecipients(id: string, args: { first: number; after?: string | null; status?: RecipientStatus | null }, signal?: AbortSignal): Promise<RecipientPage> {
  const b = (await gql(RecipientsQuery, { id, first: args.first, after: args.after ?? null, status: args.status ?? null }, { signal })).broadcast;
  if (!b) return { recipients: [], endCursor: null, hasNextPage: false };
  return { recipients: b.recipients.edges.map((e) => e.node), endCursor: b.recipients.pageInfo.endCursor ?? null, hasNextPage: b.recipients.pageInfo.hasNextPage };
}

export async function fetchAudienceCount(audience: BroadcastAudience, signal?: AbortSignal): Promise<AudienceCount> {
  return (await gql(AudienceCountQuery, { audience }, { signal })).broadcastAudienceCount;
}

export async function fetchPreview(contactId: string, message: { text?: string | null; template?: BroadcastTemplateInput | null }, signal?: AbortSignal): Promise<BroadcastPreview> {
  return (await gql(PreviewQuery, { contactId, text: message.text ?? null, template: message.template ?? null }, { signal })).broadcastPreview;
}

export const createBroadcast = async (input: CreateBroadcastInput): Promise<Broadcast> => asBroadcast((await gql(CreateBroadcast, { input })).createBroadcast);
export const updateBroadcast = async (id: string, input: CreateBroadcastInput): Promise<Broadcast> => asBroadcast((await gql(UpdateBroadcast, { id, input })).updateBroadcast);
export const deleteBroadcast = async (id: string): Promise<void> => void (await gql(DeleteBroadcast, { id }));
export const startBroadcast = async (id: string): Promise<Broadcast> => asBroadcast((await gql(StartBroadcast, { id })).startBroadcast);
export const pauseBroadcast = async (id: string): Promise<Broadcast> => asBroadcast((await gql(PauseBroadcast, { id })).pauseBroadcast);
export const resumeBroadcast = async (id: string): Promise<Broadcast> => asBroadcast((await gql(ResumeBroadcast, { id })).resumeBroadcast);
export const cancelBroadcast = async (id: string): Promise<Broadcast> => asBroadcast((await gql(CancelBroadcast, { id })).cancelBroadcast);

/** A broadcast's row each time its status or counts move; `open` comes on each (re)connect, so the caller refetches what it missed. Returns the unsubscribe. */
export function watchBroadcast(id: string, handlers: { next: (b: Broadcast) => void; open?: () => void; error?: (err: Error) => void }): () => void {
  return subscribe(ProgressSubscription, { id }, { next: (data) => handlers.next(asBroadcast(data.broadcastProgress)), open: handlers.open, error: handlers.error });
}

/** Recipients not yet ended (sent, delivered, read, failed, skipped or uncertain) out of the total: the progress bar's share. */
export function progressShare(b: Pick<Broadcast, 'total' | 'pending'>): number {
  return b.total > 0 ? (b.total - b.pending) / b.total : 0;
}

/** Statuses a broadcast never leaves. */
export const FINAL_STATUSES: BroadcastStatus[] = ['COMPLETED', 'CANCELLED', 'FAILED'];
