/**
 * Checks a Cloud API channel's credentials against the Graph API (its phone number id, read with
 * its access token) and records the outcome: CONNECTED, or PENDING with the reason in lastError.
 */
import type { Orm } from '../../../schema/orm';
import { recordChannelStatus } from '../channel-status';
import type { CloudCredentials } from './credentials';
import { callGraph, GraphError, type GraphApi } from './graph-api';

/** What the check found: null when the credentials work, else why not, in words an owner can act on. */
export async function checkCloudCredentials(graph: GraphApi, credentials: CloudCredentials): Promise<string | null> {
  try {
    await callGraph(graph, credentials.accessToken, 'GET', encodeURIComponent(credentials.phoneNumberId));
    return null;
  } catch (err) {
    if (err instanceof GraphError && err.code === 190) return `the access token was refused (${err.message})`;
    if (err instanceof GraphError && err.code === 100) return `the phone number id ${credentials.phoneNumberId} was not found with this token (${err.message})`;
    return `the Graph API could not check the credentials: ${(err as Error).message}`;
  }
}

/** Runs the check and records the channel's status from it (history, channelUpdated); returns the reason when it failed. */
export async function connectCloudChannel(orm: Orm, graph: GraphApi, workspaceId: string, channelId: string, credentials: CloudCredentials): Promise<string | null> {
  const problem = await checkCloudCredentials(graph, credentials);
  await recordChannelStatus(orm, workspaceId, channelId, { status: problem ? 'PENDING' : 'CONNECTED', error: problem });
  return problem;
}
