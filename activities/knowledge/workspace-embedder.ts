/**
 * The embedder a workspace's knowledge is embedded with: its own OpenAI-compatible endpoint
 * (AiSettings.embeddings) when it has one, else the platform's default (the local model), or
 * none (full-text only). Ingestion, FAQ embedding and retrieval all use this one choice, so a
 * question is embedded by the model its passages were.
 */
import type { EntityManager } from '@mikro-orm/core';
import { AiSettings } from '../../schema/entities/ai-settings.entity';
import { openEmbeddings } from '../ai/open-providers';
import type { Knowledge } from './index';
import type { Embedder } from './ports';
import type { ActivityContext } from '../context';

/** Null: no embedder (EMBEDDINGS=off and no endpoint of the workspace's own). */
export async function workspaceEmbedder(em: EntityManager, knowledge: Pick<Knowledge, 'embedderFor'>, encryptionKey: Buffer, workspaceId: string): Promise<Embedder | null> {
  const settings = await em.findOne(AiSettings, { workspaceId }, { fields: ['embeddings'] });
  return knowledge.embedderFor(openEmbeddings(encryptionKey, workspaceId, settings?.embeddings ?? null));
}

/** workspaceEmbedder for the activities of `ctx`: null in a process without the knowledge services. */
export function activityEmbedderOf(ctx: ActivityContext): (em: EntityManager, workspaceId: string) => Promise<Embedder | null> {
  return async (em, workspaceId) => (ctx.knowledge ? workspaceEmbedder(em, ctx.knowledge, ctx.config.encryptionKey, workspaceId) : null);
}
