import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { workspaceKey } from './workspace.entity';
import { Contact } from './contact.entity';
import { Label } from './label.entity';

/** A label on a contact; deleting either removes it. */
export const ContactLabel = defineEntity({
  name: 'ContactLabel',
  tableName: 'contact_labels',
  properties: {
    contactId: p.manyToOne(Contact).mapToPk().fieldName('contact_id').primary().deleteRule('cascade'),
    labelId: p.manyToOne(Label).mapToPk().fieldName('label_id').primary().deleteRule('cascade'),
    workspaceId: workspaceKey(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
  // The label filter: a label's contacts (the primary key answers a contact's labels).
  indexes: [{ name: 'contact_labels_label', properties: ['labelId', 'contactId'] }],
});
export type ContactLabel = InferEntity<typeof ContactLabel>;
