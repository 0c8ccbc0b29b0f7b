import { z } from 'zod';
import { builder } from '../builder';
import { MANAGERS, requireAuth } from '../context';
import { notFound } from '../errors';
import { Contact } from '../../../schema/entities/contact.entity';
import { ContactType } from './contact';
import { ApprovalModeEnum } from './ai-settings';

builder.mutationField('setContactApprovalMode', (t) =>
  t.field({
    type: ContactType,
    description: "OWNER / ADMIN: this contact's AI replies always wait for approval (ALL), never do (OFF), or follow the workspace (null). Takes effect with the next reply.",
    args: { contactId: t.arg.id({ required: true }), mode: t.arg({ type: ApprovalModeEnum }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId } = requireAuth(ctx, MANAGERS);
      const contactId = String(args.contactId);
      if (!z.string().uuid().safeParse(contactId).success) throw notFound('contact');
      const em = ctx.orm.em.fork();
      const contact = await em.findOne(Contact, { id: contactId, workspaceId });
      if (!contact) throw notFound('contact');
      contact.aiApprovalMode = args.mode ?? null;
      await em.flush();
      return contact;
    },
  }),
);
