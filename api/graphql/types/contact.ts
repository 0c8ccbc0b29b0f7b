import { builder } from '../builder';

/** A customer as the API shows it. */
export interface ContactView {
  id: string;
  phone: string;
  name: string | null;
  blocked: boolean;
}

export const ContactType = builder.objectRef<ContactView>('Contact').implement({
  description: 'A customer, keyed by phone number.',
  fields: (t) => ({
    id: t.exposeID('id'),
    phone: t.exposeString('phone'),
    name: t.exposeString('name', { nullable: true }),
    blocked: t.exposeBoolean('blocked'),
  }),
});
