import { defineEntity, p } from '@mikro-orm/core';

/** A person who signs in; belongs to workspaces through memberships. */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    email: p.text(),
    name: p.text(),
    passwordHash: p.text().hidden(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
