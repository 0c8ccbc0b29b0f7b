/** A contact's labels, notes and conversations (on the Contact type), and agents' notes (the ContactNote entity). */
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { builder } from '../builder';
import { AGENTS, MANAGERS, requireAuth, type GraphQLContext } from '../context';
import { badInput, forbidden, notFound, validate } from '../errors';
import { batchPerTick, perContext } from '../batch';
import { Contact } from '../../../schema/entities/contact.entity';
import { ContactNote } from '../../../schema/entities/contact-note.entity';
import { Label } from '../../../schema/entities/label.entity';
import { User } from '../../../schema/entities/user.entity';
import { Conversation } from '../../../schema/entities/conversation.entity';
import { ContactType } from './contact';
import { LabelType } from './label';
import { UserType } from './auth';
import { ConversationType } from './conversation';

/** An agent's note on a contact. */
const ContactNoteType = builder.objectRef<ContactNote>('ContactNote').implement({
  description: "An agent's note on a contact; `author` is null once their user is gone.",
  fields: (t) => ({
    id: t.exposeID('id'),
    text: t.exposeString('text'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
    author: t.field({
      type: UserType,
      nullable: true,
      resolve: async (note, _args, ctx) => {
        if (!note.authorId) return null;
        const user = await loaders(ctx).user(note.authorId);
        return user ? { id: user.id, email: user.email, name: user.name } : null;
      },
    }),
  }),
});

/** One query per page for each contact's labels (and each note's author), whatever the page size. */
const loaders = perContext((ctx: GraphQLContext) => ({
  labels: batchPerTick(async (contactIds: string[]) => {
    const rows = await ctx.orm.em.fork().execute<{ contact_id: string; id: string; workspace_id: string; name: string; color: string; created_at: Date }[]>(
      `select cl.contact_id, l.id, l.workspace_id, l.name, l.color, l.created_at from contact_labels cl join labels l on l.id = cl.label_id
        where cl.contact_id = any(?::uuid[]) and cl.workspace_id = ? order by lower(l.name)`,
      [`{${[...new Set(contactIds)].join(',')}}`, requireAuth(ctx).workspaceId],
    );
    const byContact = new Map<string, Label[]>();
    for (const r of rows) {
      const label = { id: r.id, workspaceId: r.workspace_id, name: r.name, color: r.color, createdAt: new Date(r.created_at) } as Label;
      byContact.set(r.contact_id, [...(byContact.get(r.contact_id) ?? []), label]);
    }
    return byContact;
  }),
  user: batchPerTick(async (ids: string[]) => {
    // Authors are users of this workspace (or were: a note outlives a membership, its author's name stays).
    const users = await ctx.orm.em.fork().find(User, { id: { $in: [...new Set(ids)] } }, { fields: ['id', 'email', 'name'] });
    return new Map(users.map((u) => [u.id, u]));
  }),
}));

builder.objectFields(ContactType, (t) => ({
  labels: t.field({ type: [LabelType], description: 'Its labels, by name.', resolve: async (c, _args, ctx) => (await loaders(ctx).labels(c.id)) ?? [] }),
  notes: t.field({
    type: [ContactNoteType],
    description: 'Agents\' notes, newest first.',
    args: { first: t.arg.int({ defaultValue: 50 }) },
    resolve: (c, args, ctx) => {
      const first = args.first ?? 50;
      if (first < 1 || first > 500) throw badInput('first: must be between 1 and 500', 'first');
      return ctx.orm.em.fork().find(ContactNote, { contactId: c.id, workspaceId: c.workspaceId }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first });
    },
  }),
  conversations: t.field({
    type: [ConversationType],
    description: 'Its conversations (one per channel), latest activity first.',
    resolve: (c, _args, ctx) =>
      ctx.orm.em.fork().find(Conversation, { contact: c.id, workspaceId: c.workspaceId }, { populate: ['contact', 'channel'], strategy: 'joined', orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }] }),
  }),
}));

const text = z.string().trim().min(1, 'must not be empty').max(10_000, 'is longer than 10,000 characters');
const uuid = z.string().uuid();

builder.mutationField('addNote', (t) =>
  t.field({
    type: ContactNoteType,
    description: 'OWNER / ADMIN / AGENT: a note on a contact, by the caller.',
    args: { contactId: t.arg.id({ required: true }), text: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const { workspaceId, userId } = requireAuth(ctx, AGENTS);
      const input = validate(z.object({ text }), { text: args.text });
      const em = ctx.orm.em.fork();
      const contactId = String(args.contactId);
      if (!uuid.safeParse(contactId).success || !(await em.count(Contact, { id: contactId, workspaceId }))) throw notFound('contact');
      const note = em.create(ContactNote, { id: crypto.randomUUID(), workspaceId, contactId, authorId: userId, text: input.text, createdAt: new Date() });
      await em.flush();
      return note;
    },
  }),
);

builder.mutationField('updateNote', (t) =>
  t.field({
    type: ContactNoteType,
    description: "Its author (or an OWNER / ADMIN) changes a note's text.",
    args: { id: t.arg.id({ required: true }), text: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const input = validate(z.object({ text }), { text: args.text });
      const em = ctx.orm.em.fork();
      const note = await findOwnNote(ctx, em, String(args.id));
      note.text = input.text;
      note.updatedAt = new Date();
      await em.flush();
      return note;
    },
  }),
);

builder.mutationField('deleteNote', (t) =>
  t.field({
    type: 'Boolean',
    description: 'Its author (or an OWNER / ADMIN) deletes a note.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const em = ctx.orm.em.fork();
      const note = await findOwnNote(ctx, em, String(args.id));
      await em.nativeDelete(ContactNote, { id: note.id, workspaceId: note.workspaceId });
      return true;
    },
  }),
);

/** A note of the workspace the caller may change: their own, or any as a manager. */
async function findOwnNote(ctx: GraphQLContext, em: EntityManager, id: string): Promise<ContactNote> {
  const { workspaceId, userId, role } = requireAuth(ctx, AGENTS);
  const note = uuid.safeParse(id).success ? await em.findOne(ContactNote, { id, workspaceId }) : null;
  if (!note) throw notFound('note');
  if (note.authorId !== userId && !MANAGERS.includes(role)) throw forbidden("only its author or an owner or admin can change another's note");
  return note;
}
