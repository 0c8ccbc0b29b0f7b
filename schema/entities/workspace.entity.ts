import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A tenant: every workspace-scoped row carries its id. */
export const Workspace = defineEntity({
  name: 'Workspace',
  tableName: 'workspaces',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    /** Counts changes to the workspace's keyword rules and bot settings (kept by triggers); a bigint, as a string. */
    settingsVersion: p.bigint('string').defaultRaw('0'),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type Workspace = InferEntity<typeof Workspace>;

/** The `workspaceId` column every workspace-scoped row carries: the workspace's id, its rows deleted with it. */
export const workspaceKey = () => p.manyToOne(Workspace).mapToPk().fieldName('workspace_id').deleteRule('cascade');
