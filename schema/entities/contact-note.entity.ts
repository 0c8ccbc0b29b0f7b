import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Contact } from './contact.entity';
import { User } from './user.entity';

/** An agent's note on a contact; the author is kept as null when their user is deleted. */
export const ContactNote = defineEntity({
  name: 'ContactNote',
  tableName: 'contact_notes',
  properties: {
    id: p.uuid().primary(),
    workspaceId: workspaceKey(),
    contactId: p.manyToOne(Contact).mapToPk().fieldName('contact_id').deleteRule('cascade'),
    authorId: p.manyToOne(User).mapToPk().fieldName('author_id').nullable().deleteRule('set null'),
    text: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'contact_notes_contact', expression: 'create index contact_notes_contact on contact_notes (contact_id, created_at desc)' }],
});
export type ContactNote = InferEntity<typeof ContactNote>;
