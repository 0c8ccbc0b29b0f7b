/** The Contacts page's operations: keyset pages of contacts, labels, custom fields, notes, segments, import (with live progress) and export. */
import { accessToken } from '../lib/auth';
import { CSRF_HEADERS, ENDPOINT, documentText, gql, GraphQLRequestError, isUnauthenticated, refreshSession, type GraphQLErrorShape } from './client';
import { graphql, type ResultOf, type VariablesOf } from './graphql';
import { subscribe } from './subscribe';

export const LabelFields = graphql(`fragment LabelFields on Label { id name color contactCount }`);
export type ContactLabel = ResultOf<typeof LabelFields>;
export const NoteFields = graphql(`fragment NoteFields on ContactNote { id text createdAt updatedAt author { id name } }`);
export type ContactNote = ResultOf<typeof NoteFields>;
export const ContactRowFields = graphql(`
  fragment ContactRowFields on Contact { id phone name email optedOut lastSeenAt conversationCount labels { id name color } }
`);
export type ContactRow = ResultOf<typeof ContactRowFields>;

const ContactsQuery = graphql(`
  query Contacts($first: Int, $after: String, $filter: ContactFilterInput, $orderBy: ContactOrder, $segmentId: ID) {
    contacts(first: $first, after: $after, filter: $filter, orderBy: $orderBy, segmentId: $segmentId) {
      edges { cursor node { ...ContactRowFields } } pageInfo { hasNextPage endCursor } totalCount
    }
  }
`, [ContactRowFields]);
export type ContactFilter = NonNullable<VariablesOf<typeof ContactsQuery>['filter']>;
export type ContactOrder = NonNullable<VariablesOf<typeof ContactsQuery>['orderBy']>;

const ContactQuery = graphql(`
  query Contact($id: ID!) {
    contact(id: $id) {
      ...ContactRowFields fields optOutSource optedOutAt firstSeenAt createdAt blocked
      notes { ...NoteFields }
      conversations { id lastMessageAt channel { id name } }
    }
  }
`, [ContactRowFields, NoteFields]);
export type ContactDetails = NonNullable<ResultOf<typeof ContactQuery>['contact']>;

const LabelsQuery = graphql(`query Labels { labels { ...LabelFields } }`, [LabelFields]);
const CustomFieldsQuery = graphql(`query CustomFields { customFields { id key name type choices } }`);
export type CustomField = ResultOf<typeof CustomFieldsQuery>['customFields'][number];
const SegmentsQuery = graphql(`query Segments { segments { id name count filter } }`);
export type Segment = ResultOf<typeof SegmentsQuery>['segments'][number];

const CreateLabel = graphql(`mutation CreateLabel($input: CreateLabelInput!) { createLabel(input: $input) { ...LabelFields } }`, [LabelFields]);
const UpdateLabel = graphql(`mutation UpdateLabel($id: ID!, $input: UpdateLabelInput!) { updateLabel(id: $id, input: $input) { ...LabelFields } }`, [LabelFields]);
const DeleteLabel = graphql(`mutation DeleteLabel($id: ID!) { deleteLabel(id: $id) }`);
const AddLabels = graphql(`mutation AddLabels($contactIds: [ID!]!, $labelIds: [ID!]!) { addLabels(contactIds: $contactIds, labelIds: $labelIds) }`);
const RemoveLabels = graphql(`mutation RemoveLabels($contactIds: [ID!]!, $labelIds: [ID!]!) { removeLabels(contactIds: $contactIds, labelIds: $labelIds) }`);
const CreateCustomField = graphql(`mutation CreateCustomField($input: CreateCustomFieldInput!) { createCustomField(input: $input) { id key name type choices } }`);
const UpdateCustomField = graphql(`mutation UpdateCustomField($id: ID!, $input: UpdateCustomFieldInput!) { updateCustomField(id: $id, input: $input) { id key name type choices } }`);
const DeleteCustomField = graphql(`mutation DeleteCustomField($id: ID!) { deleteCustomField(id: $id) }`);
const UpdateSegment = graphql(`mutation UpdateSegment($id: ID!, $input: UpdateSegmentInput!) { updateSegment(id: $id, input: $input) { id name count filter } }`);
const DeleteSegment = graphql(`mutation DeleteSegment($id: ID!) { deleteSegment(id: $id) }`);
const CreateSegment = graphql(`mutation CreateSegment($input: CreateSegmentInput!) { createSegment(input: $input) { id name count filter } }`);
const UpdateContact = graphql(`
  mutation UpdateContact($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { ...ContactRowFields fields optOutSource optedOutAt } }
`, [ContactRowFields]);
const AddNote = graphql(`mutation AddNote($contactId: ID!, $text: String!) { addNote(contactId: $contactId, text: $text) { ...NoteFields } }`, [NoteFields]);
const UpdateNote = graphql(`mutation UpdateNote($id: ID!, $text: String!) { updateNote(id: $id, text: $text) { ...NoteFields } }`, [NoteFields]);
const DeleteNote = graphql(`mutation DeleteNote($id: ID!) { deleteNote(id: $id) }`);
const ExportContacts = graphql(`mutation ExportContacts($filter: ContactFilterInput) { exportContacts(filter: $filter) }`);
const ImportContacts = graphql(`
  mutation ImportContacts($input: ImportContactsInput!) {
    importContacts(input: $input) { created updated skipped errorCount errors { line message } ignoredColumns }
  }
`);
export type ImportResult = ResultOf<typeof ImportContacts>['importContacts'];
export type ImportOptions = Omit<VariablesOf<typeof ImportContacts>['input'], 'file' | 'csv'>;
const ImportProgress = graphql(`
  subscription ContactImportProgress($importId: ID!) { contactImportProgress(importId: $importId) { importId rows created updated skipped errorCount done } }
`);
export type ImportProgressEvent = ResultOf<typeof ImportProgress>['contactImportProgress'];

export interface ContactsPageArgs { first: number; after?: string | null; filter?: ContactFilter; orderBy?: ContactOrder; segmentId?: string | null }
export const fetchContacts = async (args: ContactsPageArgs, signal?: AbortSignal) => (await gql(ContactsQuery, args, { signal })).contacts;
export const fetchContact = async (id: string) => (await gql(ContactQuery, { id })).contact;
export const fetchLabels = async () => (await gql(LabelsQuery, {})).labels;
export const fetchCustomFields = async () => (await gql(CustomFieldsQuery, {})).customFields;
export const fetchSegments = async () => (await gql(SegmentsQuery, {})).segments;
export const createLabel = async (input: VariablesOf<typeof CreateLabel>['input']) => (await gql(CreateLabel, { input })).createLabel;
export const updateLabel = async (id: string, input: VariablesOf<typeof UpdateLabel>['input']) => (await gql(UpdateLabel, { id, input })).updateLabel;
export const deleteLabel = async (id: string) => (await gql(DeleteLabel, { id })).deleteLabel;
export const addLabels = async (contactIds: string[], labelIds: string[]) => (await gql(AddLabels, { contactIds, labelIds })).addLabels;
export const removeLabels = async (contactIds: string[], labelIds: string[]) => (await gql(RemoveLabels, { contactIds, labelIds })).removeLabels;
export const createCustomField = async (input: VariablesOf<typeof CreateCustomField>['input']) => (await gql(CreateCustomField, { input })).createCustomField;
export const updateCustomField = async (id: string, input: VariablesOf<typeof UpdateCustomField>['input']) => (await gql(UpdateCustomField, { id, input })).updateCustomField;
export const deleteCustomField = async (id: string) => (await gql(DeleteCustomField, { id })).deleteCustomField;
export const renameSegment = async (id: string, name: string) => (await gql(UpdateSegment, { id, input: { name } })).updateSegment;
export const deleteSegment = async (id: string) => (await gql(DeleteSegment, { id })).deleteSegment;
export const createSegment = async (name: string, filter: ContactFilter) => (await gql(CreateSegment, { input: { name, filter } })).createSegment;
export const updateContact = async (id: string, input: VariablesOf<typeof UpdateContact>['input']) => (await gql(UpdateContact, { id, input })).updateContact;
export const addNote = async (contactId: string, text: string) => (await gql(AddNote, { contactId, text })).addNote;
export const updateNote = async (id: string, text: string) => (await gql(UpdateNote, { id, text })).updateNote;
export const deleteNote = async (id: string) => (await gql(DeleteNote, { id })).deleteNote;
export const exportContacts = async (filter: ContactFilter) => (await gql(ExportContacts, { filter })).exportContacts;

/** Contact.fields is a JSON object of field key → value; the client's JSON scalar type is Message.details', so this reads it as what it is. */
export function contactFields(c: { fields: unknown }): Record<string, unknown> {
  return (c.fields ?? {}) as Record<string, unknown>;
}

/** An import's progress events, live; returns the unsubscribe. `onOpen` comes once the server listens, so the upload starts after it. */
export function watchImport(importId: string, onProgress: (p: ImportProgressEvent) => void, onOpen: () => void, onError: () => void): () => void {
  return subscribe(ImportProgress, { importId }, { next: (data) => onProgress(data.contactImportProgress), open: onOpen, error: onError });
}

/** Uploads a CSV as importContacts' `file` (a GraphQL multipart request), so a big file streams instead of being pasted. */
export async function uploadContacts(file: File, options: ImportOptions): Promise<ImportResult> {
  let result = await send(file, options);
  if (isUnauthenticated(result.errors, result.status) && (await refreshSession())) result = await send(file, options);
  if (result.errors?.length) throw new GraphQLRequestError(result.errors);
  if (!result.data) throw new GraphQLRequestError([{ message: `The import failed (HTTP ${result.status})` }]);
  return result.data.importContacts;
}

async function send(file: File, options: ImportOptions): Promise<{ status: number; data?: { importContacts: ImportResult }; errors?: GraphQLErrorShape[] }> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: documentText(ImportContacts), variables: { input: { ...options, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', file, file.name);
  const headers: Record<string, string> = { ...CSRF_HEADERS };
  const token = accessToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(ENDPOINT, { method: 'POST', headers, body: form });
  } catch {
    return { status: 0, errors: [{ message: 'Cannot reach the Parley server. Check your connection and try again.' }] };
  }
  try {
    return { status: res.status, ...(await res.json()) };
  } catch {
    return { status: res.status, errors: [{ message: res.status === 413 ? 'The file is too large.' : `The server answered HTTP ${res.status}` }] };
  }
}

type JsonValue = NonNullable<NonNullable<ContactFilter['fields']>[number]['value']>;
/** A field condition's value: the client types the JSON scalar as Message.details, this sends what a field holds (text, number, boolean, date). */
export function jsonValue(v: string | number | boolean): JsonValue {
  return v as unknown as JsonValue;
}
