import { defineEntity, p } from '@mikro-orm/core';

/** A customer of a workspace, keyed by canonical phone digits (contactKey). */
export const Contact = defineEntity({
  name: 'Contact',
  tableName: 'contacts',
  properties: {
    id: p.uuid().primary(),
    workspaceId: p.uuid(),
    contactKey: p.text(),
    phone: p.text(),
    name: p.text().nullable(),
    blocked: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
