/** The Flows pages' operations: the list, the builder's draft, publishing, templates, runs and funnels. */
import type { FlowDefinition, FlowProblem } from '../../../workflows/flows/definition';
import { gql } from './client';
import { graphql, type ResultOf, type VariablesOf } from './graphql';

export const FlowFields = graphql(`
  fragment FlowFields on Flow { id name status publishedVersion priority triggerSummary draft problems { nodeId message } createdAt updatedAt }
`);
/** A flow as the dashboard holds it; `draft` is the definition (the API's JSON scalar, typed here). */
export type Flow = Omit<ResultOf<typeof FlowFields>, 'draft'> & { draft: FlowDefinition };
export type FlowStatus = Flow['status'];

const FlowRunFields = graphql(`
  fragment FlowRunFields on FlowRun { id flowId conversationId status version currentNodeId variables error temporalUrl startedAt endedAt }
`);
export type FlowRun = Omit<ResultOf<typeof FlowRunFields>, 'variables'> & { variables: Record<string, unknown> };
export type FlowRunStatus = FlowRun['status'];

const FlowsQuery = graphql(`query Flows { flows { ...FlowFields } }`, [FlowFields]);
const FlowQuery = graphql(`query Flow($id: ID!) { flow(id: $id) { ...FlowFields } }`, [FlowFields]);
const CreateFlow = graphql(`mutation CreateFlow($input: CreateFlowInput!) { createFlow(input: $input) { ...FlowFields } }`, [FlowFields]);
const UpdateFlow = graphql(`
  mutation UpdateFlow($id: ID!, $definition: JSON, $name: String, $priority: Int) {
    updateFlow(id: $id, definition: $definition, name: $name, priority: $priority) { ...FlowFields }
  }
`, [FlowFields]);
const PublishFlow = graphql(`
  mutation PublishFlow($id: ID!) { publishFlow(id: $id) { version problems { nodeId message } flow { ...FlowFields } } }
`, [FlowFields]);
const DeleteFlow = graphql(`mutation DeleteFlow($id: ID!) { deleteFlow(id: $id) }`);
const ExportFlow = graphql(`query ExportFlow($id: ID!) { exportFlow(id: $id) }`);
const ImportFlow = graphql(`mutation ImportFlow($name: String!, $definition: JSON!) { importFlow(name: $name, definition: $definition) { ...FlowFields } }`, [FlowFields]);
const FlowTemplatesQuery = graphql(`query FlowTemplates { flowTemplates { id name description } }`);
const ImportFlowTemplate = graphql(`
  mutation ImportFlowTemplate($templateId: ID!, $name: String) { importFlowTemplate(templateId: $templateId, name: $name) { ...FlowFields } }
`, [FlowFields]);
const FlowRunsQuery = graphql(`
  query FlowRuns($flowId: ID!, $status: FlowRunStatus, $first: Int) { flowRuns(flowId: $flowId, status: $status, first: $first) { ...FlowRunFields } }
`, [FlowRunFields]);
const StartFlow = graphql(`mutation StartFlow($flowId: ID!, $conversationId: ID!) { startFlow(flowId: $flowId, conversationId: $conversationId) { id status } }`);
const FlowStatsQuery = graphql(`query FlowStats($flowId: ID!) { flowStats(flowId: $flowId) { nodeId entered completed dropped } }`);
const FlowRunCountsQuery = graphql(`query FlowRunCounts($flowId: ID!) { flowRuns(flowId: $flowId, first: 200) { id status } }`);

export type FlowTemplate = ResultOf<typeof FlowTemplatesQuery>['flowTemplates'][number];
export type FlowNodeStat = ResultOf<typeof FlowStatsQuery>['flowStats'][number];

// The JSON scalar is typed for Message.details; a flow's JSON is its definition.
const asFlow = (flow: ResultOf<typeof FlowFields>): Flow => flow as unknown as Flow;
const json = (definition: FlowDefinition) => definition as unknown as VariablesOf<typeof ImportFlow>['definition'];

export const fetchFlows = async (): Promise<Flow[]> => (await gql(FlowsQuery, {})).flows.map(asFlow);
export const fetchFlow = async (id: string): Promise<Flow> => asFlow((await gql(FlowQuery, { id })).flow);

/** A new DRAFT flow. */
export async function createFlow(name: string, definition: FlowDefinition): Promise<Flow> {
  return asFlow((await gql(CreateFlow, { input: { name, definition: json(definition) } })).createFlow);
}

/** Saves the draft (and the name or priority when given); the live version changes only on publish. */
export async function updateFlow(id: string, change: { definition?: FlowDefinition; name?: string; priority?: number }): Promise<Flow> {
  const { definition, ...rest } = change;
  return asFlow((await gql(UpdateFlow, { id, ...rest, ...(definition ? { definition: json(definition) } : {}) })).updateFlow);
}

export interface PublishResult {
  version: number | null;
  problems: FlowProblem[];
  flow: Flow;
}

/** Publishes the saved draft; with problems nothing changes and `version` is the one still live. */
export async function publishFlow(id: string): Promise<PublishResult> {
  const result = (await gql(PublishFlow, { id })).publishFlow;
  return { version: result.version, problems: result.problems, flow: asFlow(result.flow) };
}

export const deleteFlow = async (id: string): Promise<boolean> => (await gql(DeleteFlow, { id })).deleteFlow;
export const exportFlow = async (id: string): Promise<FlowDefinition> => (await gql(ExportFlow, { id })).exportFlow as unknown as FlowDefinition;

export async function importFlow(name: string, definition: FlowDefinition): Promise<Flow> {
  return asFlow((await gql(ImportFlow, { name, definition: json(definition) })).importFlow);
}

export const fetchFlowTemplates = async (): Promise<FlowTemplate[]> => (await gql(FlowTemplatesQuery, {})).flowTemplates;

export async function importFlowTemplate(templateId: string, name?: string): Promise<Flow> {
  return asFlow((await gql(ImportFlowTemplate, { templateId, name })).importFlowTemplate);
}

/** The flow's runs, newest first. */
export async function fetchFlowRuns(flowId: string, status?: FlowRunStatus | null, first = 50): Promise<FlowRun[]> {
  return (await gql(FlowRunsQuery, { flowId, status: status ?? null, first })).flowRuns as unknown as FlowRun[];
}

/** How many of the flow's latest 200 runs there are, and how many are still going (the list's "runs" column). */
export async function fetchFlowRunCounts(flowId: string): Promise<{ total: number; active: number }> {
  const runs = (await gql(FlowRunCountsQuery, { flowId })).flowRuns;
  return { total: runs.length, active: runs.filter((r) => r.status === 'RUNNING' || r.status === 'WAITING').length };
}

/** Starts the flow's live version in a conversation now (any trigger), as the API's startFlow does. */
export const startFlow = async (flowId: string, conversationId: string): Promise<{ id: string; status: string }> => (await gql(StartFlow, { flowId, conversationId })).startFlow;
export const fetchFlowStats = async (flowId: string): Promise<FlowNodeStat[]> => (await gql(FlowStatsQuery, { flowId })).flowStats;

const RunContactQuery = graphql(`query FlowRunContact($id: ID!) { conversation(id: $id) { id contact { name phone } } }`);

/** Who a run talks to: its conversation's contact (null when the conversation is gone). */
export async function fetchRunContact(conversationId: string): Promise<{ name: string | null; phone: string } | null> {
  return (await gql(RunContactQuery, { id: conversationId })).conversation?.contact ?? null;
}
