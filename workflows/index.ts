/** Every workflow the `parley` task queue runs (the worker bundles this file). */
export { conversationWorkflow } from './conversation.workflow';
export { flowRunWorkflow } from './flow-run.workflow';
export { documentIngestionWorkflow, documentRemovalWorkflow } from './document-ingestion.workflow';
export { broadcastWorkflow } from './broadcast.workflow';
export { flowScheduleWorkflow } from './flow-schedule.workflow';
export { workspaceEmbeddingsWorkflow, faqRemovalWorkflow } from './workspace-embeddings.workflow';
