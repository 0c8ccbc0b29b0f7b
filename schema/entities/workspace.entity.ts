import { defineEntity, p } from '@mikro-orm/core';

/** A tenant: every workspace-scoped row carries its id. */
export const Workspace = defineEntity({
  name: 'Workspace',
  tableName: 'workspaces',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
