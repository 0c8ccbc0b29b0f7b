import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';

/** A workspace's label for contacts, with a colour ("#rrggbb"); names are unique per workspace whatever their case. */
export const Label = defineEntity({
  name: 'Label',
  tableName: 'labels',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    name: p.text(),
    color: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'labels_workspace_name', expression: 'create unique index labels_workspace_name on labels (workspace_id, lower(name))' }],
});
export type Label = InferEntity<typeof Label>;
