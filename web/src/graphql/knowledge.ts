/** The Knowledge page's operations: knowledge bases, documents (uploads with progress), FAQs, and documents' live status. */
import { accessToken } from '../lib/auth';
import { CSRF_HEADERS, ENDPOINT, documentText, gql, GraphQLRequestError, isUnauthenticated, refreshSession, type GraphQLErrorShape } from './client';
import { graphql, type ResultOf, type VariablesOf } from './graphql';
import { subscribe } from './subscribe';

export const DocumentFields = graphql(`
  fragment DocumentFields on Document { id knowledgeBaseId name source status error chunkCount chunksDone progress mimeType sizeBytes url revision updatedAt }
`);
export type KnowledgeDocument = ResultOf<typeof DocumentFields>;
export const FaqFields = graphql(`fragment FaqFields on Faq { id question answer }`);
export type Faq = ResultOf<typeof FaqFields>;

const KnowledgeBasesQuery = graphql(`query KnowledgeBases { knowledgeBases { id name } }`);
const KnowledgeBaseQuery = graphql(`
  query KnowledgeBase($id: ID!) { knowledgeBase(id: $id) { id name documents { ...DocumentFields } faqs { ...FaqFields } } }
`, [DocumentFields, FaqFields]);
const CreateKnowledgeBase = graphql(`mutation CreateKnowledgeBase($input: CreateKnowledgeBaseInput!) { createKnowledgeBase(input: $input) { id name } }`);
const DeleteKnowledgeBase = graphql(`mutation DeleteKnowledgeBase($id: ID!) { deleteKnowledgeBase(id: $id) }`);
const AddDocument = graphql(`mutation AddDocument($input: AddDocumentInput!) { addDocument(input: $input) { ...DocumentFields } }`, [DocumentFields]);
const ReindexDocument = graphql(`mutation ReindexDocument($id: ID!) { reindexDocument(id: $id) { ...DocumentFields } }`, [DocumentFields]);
const DeleteDocument = graphql(`mutation DeleteDocument($id: ID!) { deleteDocument(id: $id) }`);
const CreateFaq = graphql(`mutation CreateFaq($input: CreateFaqInput!) { createFaq(input: $input) { ...FaqFields } }`, [FaqFields]);
const UpdateFaq = graphql(`mutation UpdateFaq($id: ID!, $input: UpdateFaqInput!) { updateFaq(id: $id, input: $input) { ...FaqFields } }`, [FaqFields]);
const DeleteFaq = graphql(`mutation DeleteFaq($id: ID!) { deleteFaq(id: $id) }`);
const DocumentUpdated = graphql(`subscription DocumentUpdated($knowledgeBaseId: ID) { documentUpdated(knowledgeBaseId: $knowledgeBaseId) { ...DocumentFields } }`, [DocumentFields]);

export type KnowledgeBase = NonNullable<ResultOf<typeof KnowledgeBaseQuery>['knowledgeBase']>;

export const fetchKnowledgeBases = async () => (await gql(KnowledgeBasesQuery, {})).knowledgeBases;
export const fetchKnowledgeBase = async (id: string) => (await gql(KnowledgeBaseQuery, { id })).knowledgeBase;
export const createKnowledgeBase = async (name: string) => (await gql(CreateKnowledgeBase, { input: { name } })).createKnowledgeBase;
export const deleteKnowledgeBase = async (id: string) => (await gql(DeleteKnowledgeBase, { id })).deleteKnowledgeBase;
/** A document from pasted text or a URL (files go through uploadDocument). */
export const addDocument = async (input: Omit<VariablesOf<typeof AddDocument>['input'], 'file'>) => (await gql(AddDocument, { input })).addDocument;
export const reindexDocument = async (id: string) => (await gql(ReindexDocument, { id })).reindexDocument;
export const deleteDocument = async (id: string) => (await gql(DeleteDocument, { id })).deleteDocument;
export const createFaq = async (input: VariablesOf<typeof CreateFaq>['input']) => (await gql(CreateFaq, { input })).createFaq;
export const updateFaq = async (id: string, input: VariablesOf<typeof UpdateFaq>['input']) => (await gql(UpdateFaq, { id, input })).updateFaq;
export const deleteFaq = async (id: string) => (await gql(DeleteFaq, { id })).deleteFaq;

/** Each change of a knowledge base's documents (status, progress, error), live; returns the unsubscribe. */
export function watchDocuments(knowledgeBaseId: string, onDocument: (d: KnowledgeDocument) => void, onOpen: () => void): () => void {
  return subscribe(DocumentUpdated, { knowledgeBaseId }, { next: (data) => onDocument(data.documentUpdated), open: onOpen });
}

/**
 * Uploads a file as addDocument's `file` (a GraphQL multipart request), reporting the share sent
 * (0–1): XMLHttpRequest, since fetch reports no upload progress. Refreshes the session once if needed.
 */
export async function uploadDocument(knowledgeBaseId: string, file: File, onProgress: (sent: number) => void): Promise<KnowledgeDocument> {
  let result = await send(knowledgeBaseId, file, onProgress);
  if (isUnauthenticated(result.errors, result.status) && (await refreshSession())) result = await send(knowledgeBaseId, file, onProgress);
  if (result.errors?.length) throw new GraphQLRequestError(result.errors);
  if (!result.data) throw new GraphQLRequestError([{ message: `The upload failed (HTTP ${result.status})` }]);
  return result.data.addDocument;
}

function send(knowledgeBaseId: string, file: File, onProgress: (sent: number) => void): Promise<{ status: number; data?: { addDocument: KnowledgeDocument }; errors?: GraphQLErrorShape[] }> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: documentText(AddDocument), variables: { input: { knowledgeBaseId, name: file.name, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.input.file'] }));
  form.append('0', file, file.name);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', ENDPOINT);
    for (const [name, value] of Object.entries(CSRF_HEADERS)) xhr.setRequestHeader(name, value);
    const token = accessToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      try {
        resolve({ status: xhr.status, ...JSON.parse(xhr.responseText) });
      } catch {
        resolve({ status: xhr.status, errors: [{ message: xhr.status === 413 ? 'The file is too large.' : `The server answered HTTP ${xhr.status}` }] });
      }
    };
    xhr.onerror = () => resolve({ status: 0, errors: [{ message: 'Cannot reach the Parley server. Check your connection and try again.' }] });
    xhr.send(form);
  });
}
