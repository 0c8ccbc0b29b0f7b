import { builder } from '../builder';
import type { Contact } from '../../../schema/entities/contact.entity';

/** A customer (the Contact entity). */
export const ContactType = builder.objectRef<Contact>('Contact').implement({
  description: 'A customer, keyed by phone number.',
  fields: (t) => ({
    id: t.exposeID('id'),
    phone: t.exposeString('phone'),
    name: t.exposeString('name', { nullable: true }),
    blocked: t.exposeBoolean('blocked'),
    aiApprovalMode: t.exposeString('aiApprovalMode', {
      nullable: true,
      description: "OFF or ALL: this contact's AI replies go out, or wait as drafts, whatever the workspace's approval mode; null: the workspace's.",
    }),
  }),
});
