import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';

/** A named collection of documents and FAQs the bot answers from. */
export const KnowledgeBase = defineEntity({
  name: 'KnowledgeBase',
  tableName: 'knowledge_bases',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    name: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()').onUpdate(() => new Date()),
  },
  indexes: [{ name: 'knowledge_bases_workspace', properties: ['workspaceId', 'createdAt'] }],
});
export type KnowledgeBase = InferEntity<typeof KnowledgeBase>;
