/** Starting the knowledge workflows from the API (outside the sandbox; never bundled). */
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { documentIngestionWorkflowId, documentRemovalWorkflowId } from './ids';
import { documentIngestionWorkflow, documentRemovalWorkflow, type DocumentIngestionInput } from './document-ingestion.workflow';

/** Starts the ingestion of one revision; a second start of the same revision is a no-op (its id is taken). */
export async function startDocumentIngestion(temporal: Client, taskQueue: string, input: DocumentIngestionInput): Promise<void> {
  await temporal.workflow
    .start(documentIngestionWorkflow, {
      workflowId: documentIngestionWorkflowId(input.documentId, input.revision),
      taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    })
    .catch((err: Error) => {
      if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    });
}

/** Starts the removal of a deleted document's vectors (those of its live model, and of the current embedder's). */
export async function startDocumentRemoval(temporal: Client, taskQueue: string, document: { workspaceId: string; id: string; embeddingModel?: string | null }): Promise<void> {
  const input = { workspaceId: document.workspaceId, documentId: document.id, embeddingModels: document.embeddingModel ? [document.embeddingModel] : [] };
  await temporal.workflow
    .start(documentRemovalWorkflow, { workflowId: documentRemovalWorkflowId(document.id), taskQueue, args: [input] })
    .catch((err: Error) => {
      if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    });
}
