/** Starting the embedding workflows from the API (outside the sandbox; never bundled). */
import type { Client } from '@temporalio/client';
import { faqRemovalWorkflowId, workspaceEmbeddingsWorkflowId } from './ids';
import { embeddingsChangedSignal, faqRemovalWorkflow, workspaceEmbeddingsWorkflow } from './workspace-embeddings.workflow';

/** Starts the workspace's embeddings workflow, or nudges the running one to look again (signal-with-start). */
export async function requestWorkspaceEmbeddings(temporal: Client, taskQueue: string, workspaceId: string): Promise<void> {
  await temporal.workflow.signalWithStart(workspaceEmbeddingsWorkflow, {
    workflowId: workspaceEmbeddingsWorkflowId(workspaceId),
    taskQueue,
    args: [{ workspaceId }],
    signal: embeddingsChangedSignal,
    signalArgs: [],
  });
}

/** Starts the removal of a deleted FAQ's vectors (of the model it was embedded with, and of the workspace's current one). */
export async function startFaqRemoval(temporal: Client, taskQueue: string, faq: { workspaceId: string; id: string; embeddingModel: string | null }): Promise<void> {
  const input = { workspaceId: faq.workspaceId, faqId: faq.id, embeddingModels: faq.embeddingModel ? [faq.embeddingModel] : [] };
  await temporal.workflow
    .start(faqRemovalWorkflow, { workflowId: faqRemovalWorkflowId(faq.id), taskQueue, args: [input] })
    .catch((err: Error) => {
      if (err.name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    });
}
