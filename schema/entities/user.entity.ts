import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A person who signs in; belongs to workspaces through memberships. Emails are unique whatever their case. */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    email: p.text(),
    name: p.text(),
    passwordHash: p.text().hidden(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ name: 'users_email_unique', expression: 'create unique index users_email_unique on users (lower(email))' }],
});
export type User = InferEntity<typeof User>;
