/**
 * Contacts through the API (issue 12): labels, typed custom fields, notes, updates, the contacts
 * table's filters and orders, segments that count exactly their contacts, another workspace's
 * contacts never showing, and what a viewer may not do. The api runs in this process on a real
 * Postgres; contacts come from the ingress (simulateInbound) or from rows written like it.
 */
import { gql, gqlOk, createWorkspace, query, simulateInbound, type TestWorkspace } from '../../test/support/platform';
import { testApp } from '../../test/support/app';

const api = testApp();
const CONTACT = 'id phone name email optedOut optOutSource fields firstSeenAt lastSeenAt conversationCount labels { id name color }';
const CONTACTS = `query($f: ContactFilterInput, $first: Int, $after: String, $o: ContactOrder) {
  contacts(filter: $f, first: $first, after: $after, orderBy: $o) { totalCount edges { cursor node { id phone name } } pageInfo { hasNextPage endCursor } } }`;

let shop: TestWorkspace;
let other: TestWorkspace;

beforeAll(async () => {
  [shop, other] = await Promise.all([createWorkspace(api), createWorkspace(api)]);
});

const codes = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.map((e) => e.extensions?.code);
const messages = (result: { errors?: { message: string }[] }) => result.errors?.map((e) => e.message);

/** Contacts written as the ingress or an import writes them: `n` of them, phones +49170<ws><i>. */
async function seedContacts(ws: TestWorkspace, rows: { name: string; phone: string; fields?: object; lastSeenAt?: string | null; optedOut?: boolean }[]): Promise<string[]> {
  const ids: string[] = [];
  for (const r of rows) {
    const [row] = await query<{ id: string }>(
      api.databaseUrl,
      `insert into contacts (id, workspace_id, contact_key, phone, name, fields, last_seen_at, opted_out) values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7) returning id`,
      [ws.workspaceId, r.phone.slice(1), r.phone, r.name, JSON.stringify(r.fields ?? {}), r.lastSeenAt ?? null, r.optedOut ?? false],
    );
    ids.push(row.id);
  }
  return ids;
}

const names = async (ws: TestWorkspace, filter: object, orderBy = 'NAME_ASC') =>
  (await gqlOk(api, CONTACTS, { f: filter, first: 100, o: orderBy }, ws.token)).contacts.edges.map((e: { node: { name: string } }) => e.node.name);

describe('the contact book', () => {
  it('keeps first seen, last seen and the conversation count from the ingress', async () => {
    const ws = await createWorkspace(api);
    const before = Date.now();
    await simulateInbound(api, ws, '+4917100000001', 'hello');
    await simulateInbound(api, ws, '+4917100000001', 'again');
    const { contacts } = await gqlOk(api, `{ contacts { edges { node { ${CONTACT} } } } }`, {}, ws.token);
    expect(contacts.edges).toHaveLength(1);
    const contact = contacts.edges[0].node;
    expect(contact).toMatchObject({ phone: '+4917100000001', conversationCount: 1, optedOut: false, labels: [], fields: {} });
    expect(Date.parse(contact.firstSeenAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(contact.lastSeenAt).toBe(contact.firstSeenAt);
    const { contact: detail } = await gqlOk(api, `query($id: ID!) { contact(id: $id) { conversations { id channel { id } lastMessageText } } }`, { id: contact.id }, ws.token);
    expect(detail.conversations).toMatchObject([{ channel: { id: ws.channelId }, lastMessageText: 'again' }]);
    expect((await gqlOk(api, `query($id: ID!) { contact(id: $id) { id } }`, { id: contact.id }, other.token)).contact).toBeNull();
  });

  it('creates labels (unique in a workspace, any case), puts them on and takes them off contacts in bulk', async () => {
    const ws = await createWorkspace(api);
    const [a, b] = await seedContacts(ws, [
      { name: 'Ann', phone: '+4917100000101' },
      { name: 'Ben', phone: '+4917100000102' },
    ]);
    const vip = (await gqlOk(api, `mutation { createLabel(input: { name: "VIP", color: "#FF0000" }) { id name color } }`, {}, ws.token)).createLabel;
    expect(vip).toMatchObject({ name: 'VIP', color: '#ff0000' });
    const twice = await gql(api, `mutation { createLabel(input: { name: "vip", color: "#00ff00" }) { id } }`, {}, ws.token);
    expect(messages(twice)).toEqual(['name: a label named "vip" exists']);
    expect(messages(await gql(api, `mutation { createLabel(input: { name: "X", color: "red" }) { id } }`, {}, ws.token))).toEqual(['color: must be a colour like #1f8a70']);

    const add = `mutation($c: [ID!]!, $l: [ID!]!) { addLabels(contactIds: $c, labelIds: $l) }`;
    expect((await gqlOk(api, add, { c: [a, b], l: [vip.id] }, ws.token)).addLabels).toBe(2);
    expect((await gqlOk(api, add, { c: [a, b], l: [vip.id] }, ws.token)).addLabels).toBe(0);
    expect(await names(ws, { labelIds: [vip.id] })).toEqual(['Ann', 'Ben']);
    expect((await gqlOk(api, `{ labels { name contactCount } }`, {}, ws.token)).labels).toEqual([{ name: 'VIP', contactCount: 2 }]);

    expect((await gqlOk(api, `mutation($c: [ID!]!, $l: [ID!]!) { removeLabels(contactIds: $c, labelIds: $l) }`, { c: [b], l: [vip.id] }, ws.token)).removeLabels).toBe(1);
    expect(await names(ws, { labelIds: [vip.id] })).toEqual(['Ann']);

    // Another workspace's contacts and labels are never touched, and say nothing about themselves.
    const [stranger] = await seedContacts(other, [{ name: 'Stranger', phone: '+4917100000199' }]);
    expect(messages(await gql(api, add, { c: [stranger], l: [vip.id] }, ws.token))).toEqual(['contactIds: a contact was not found']);
    expect(messages(await gql(api, add, { c: [stranger], l: [vip.id] }, other.token))).toEqual(['labelIds: a label was not found']);

    await gqlOk(api, `mutation($id: ID!) { updateLabel(id: $id, input: { name: "Gold" }) { name } }`, { id: vip.id }, ws.token);
    const contact = (await gqlOk(api, `query($id: ID!) { contact(id: $id) { labels { name } } }`, { id: a }, ws.token)).contact;
    expect(contact.labels).toEqual([{ name: 'Gold' }]);
    expect((await gqlOk(api, `mutation($id: ID!) { deleteLabel(id: $id) }`, { id: vip.id }, ws.token)).deleteLabel).toBe(true);
    expect((await gqlOk(api, `query($id: ID!) { contact(id: $id) { labels { name } } }`, { id: a }, ws.token)).contact.labels).toEqual([]);
  });

  it('validates custom field values by type on updateContact, merging what it sets with what is there', async () => {
    const ws = await createWorkspace(api);
    const [id] = await seedContacts(ws, [{ name: 'Cleo', phone: '+4917100000201' }]);
    const create = `mutation($i: CreateCustomFieldInput!) { createCustomField(input: $i) { id key type choices } }`;
    await gqlOk(api, create, { i: { key: 'plan', name: 'Plan', type: 'CHOICE', choices: ['Free', 'Pro'] } }, ws.token);
    await gqlOk(api, create, { i: { key: 'orders', name: 'Orders', type: 'NUMBER' } }, ws.token);
    await gqlOk(api, create, { i: { key: 'birthday', name: 'Birthday', type: 'DATE' } }, ws.token);
    expect(messages(await gql(api, create, { i: { key: 'plan', name: 'Again', type: 'TEXT' } }, ws.token))).toEqual(['key: a field with the key "plan" exists']);
    expect(messages(await gql(api, create, { i: { key: 'tier', name: 'Tier', type: 'CHOICE' } }, ws.token))).toEqual(['choices: a CHOICE field needs its choices']);
    expect(messages(await gql(api, create, { i: { key: 'Bad Key', name: 'x', type: 'TEXT' } }, ws.token))).toEqual([
      'key: must be lower case letters, digits and _, starting with a letter (at most 40)',
    ]);

    const update = `mutation($id: ID!, $i: UpdateContactInput!) { updateContact(id: $id, input: $i) { name email fields optedOut optOutSource optedOutAt } }`;
    const first = (await gqlOk(api, update, { id, i: { email: 'Cleo@Example.com', fields: { plan: 'pro', orders: '3' } } }, ws.token)).updateContact;
    expect(first).toMatchObject({ name: 'Cleo', email: 'cleo@example.com', fields: { plan: 'Pro', orders: 3 }, optedOut: false });
    const second = (await gqlOk(api, update, { id, i: { fields: { birthday: '1990-05-01', orders: null }, optedOut: true } }, ws.token)).updateContact;
    expect(second).toMatchObject({ fields: { plan: 'Pro', birthday: '1990-05-01' }, optedOut: true, optOutSource: 'AGENT' });
    expect(second.optedOutAt).not.toBeNull();
    expect(messages(await gql(api, update, { id, i: { fields: { orders: 'many' } } }, ws.token))).toEqual(['fields.orders: must be a number']);
    expect(messages(await gql(api, update, { id, i: { fields: { shoe: 42 } } }, ws.token))).toEqual(['fields.shoe: no custom field has this key']);
    expect(messages(await gql(api, update, { id, i: { email: 'not an email' } }, ws.token))).toEqual(['email: is not an email address']);
    expect(codes(await gql(api, update, { id, i: { name: 'Taken over' } }, other.token))).toEqual(['NOT_FOUND']);

    // Deleting a field deletes every contact's value of it.
    const birthday = (await gqlOk(api, `{ customFields { id key } }`, {}, ws.token)).customFields.find((f: { key: string }) => f.key === 'birthday');
    expect((await gqlOk(api, `mutation($id: ID!) { deleteCustomField(id: $id) }`, { id: birthday.id }, ws.token)).deleteCustomField).toBe(true);
    expect((await gqlOk(api, `query($id: ID!) { contact(id: $id) { fields } }`, { id }, ws.token)).contact.fields).toEqual({ plan: 'Pro' });
  });

  it('keeps notes with their author and time; only the author or a manager changes one', async () => {
    const ws = await createWorkspace(api);
    const [id] = await seedContacts(ws, [{ name: 'Dora', phone: '+4917100000301' }]);
    const note = (await gqlOk(api, `mutation($c: ID!) { addNote(contactId: $c, text: " Called back, wants Pro ") { id text createdAt author { name } } }`, { c: id }, ws.token)).addNote;
    expect(note).toMatchObject({ text: 'Called back, wants Pro', author: { name: 'Test Owner' } });
    await gqlOk(api, `mutation($id: ID!) { updateNote(id: $id, text: "Signed up") { id } }`, { id: note.id }, ws.token);
    const { contact } = await gqlOk(api, `query($id: ID!) { contact(id: $id) { notes { text updatedAt author { name } } } }`, { id }, ws.token);
    expect(contact.notes).toMatchObject([{ text: 'Signed up', author: { name: 'Test Owner' } }]);
    expect(codes(await gql(api, `mutation($c: ID!) { addNote(contactId: $c, text: "x") { id } }`, { c: id }, other.token))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(api, `mutation($id: ID!) { deleteNote(id: $id) }`, { id: note.id }, other.token))).toEqual(['NOT_FOUND']);
    expect(messages(await gql(api, `mutation($c: ID!) { addNote(contactId: $c, text: "  ") { id } }`, { c: id }, ws.token))).toEqual(['text: must not be empty']);
    expect((await gqlOk(api, `mutation($id: ID!) { deleteNote(id: $id) }`, { id: note.id }, ws.token)).deleteNote).toBe(true);
  });
});

describe('filters and segments', () => {
  let ws: TestWorkspace;
  let vip: string;
  let lead: string;

  beforeAll(async () => {
    ws = await createWorkspace(api);
    const create = `mutation($i: CreateCustomFieldInput!) { createCustomField(input: $i) { id } }`;
    await gqlOk(api, create, { i: { key: 'plan', name: 'Plan', type: 'CHOICE', choices: ['Free', 'Pro'] } }, ws.token);
    await gqlOk(api, create, { i: { key: 'orders', name: 'Orders', type: 'NUMBER' } }, ws.token);
    await gqlOk(api, create, { i: { key: 'city', name: 'City', type: 'TEXT' } }, ws.token);
    vip = (await gqlOk(api, `mutation { createLabel(input: { name: "VIP", color: "#aa0000" }) { id } }`, {}, ws.token)).createLabel.id;
    lead = (await gqlOk(api, `mutation { createLabel(input: { name: "Lead", color: "#00aa00" }) { id } }`, {}, ws.token)).createLabel.id;
    const ids = await seedContacts(ws, [
      { name: 'Alma', phone: '+4917200000001', fields: { plan: 'Pro', orders: 12, city: 'Berlin' }, lastSeenAt: '2026-11-30T10:00:00Z' },
      { name: 'Bruno', phone: '+4917200000002', fields: { plan: 'Free', orders: 2, city: 'Bern' }, lastSeenAt: '2026-12-02T10:00:00Z' },
      { name: 'Carla', phone: '+4917200000003', fields: { plan: 'Pro', orders: 5 }, lastSeenAt: null, optedOut: true },
      { name: 'Dario', phone: '+4917200000004', fields: {}, lastSeenAt: '2026-12-01T10:00:00Z' },
      { name: 'Elif', phone: '+4917200000005', fields: { plan: 'Free', city: 'Munich' }, lastSeenAt: '2026-11-01T10:00:00Z' },
    ]);
    const add = `mutation($c: [ID!]!, $l: [ID!]!) { addLabels(contactIds: $c, labelIds: $l) }`;
    await gqlOk(api, add, { c: [ids[0], ids[2]], l: [vip] }, ws.token);
    await gqlOk(api, add, { c: [ids[1], ids[2], ids[4]], l: [lead] }, ws.token);
    // The other workspace has contacts that match every filter below, and must never show.
    await seedContacts(other, [{ name: 'Alma Other', phone: '+4917200000001', fields: { plan: 'Pro', orders: 99, city: 'Berlin' }, lastSeenAt: '2026-12-01T00:00:00Z' }]);
  });

  it('returns exactly the contacts each filter means, and only the workspace\'s', async () => {
    expect(await names(ws, {})).toEqual(['Alma', 'Bruno', 'Carla', 'Dario', 'Elif']);
    expect(await names(ws, { search: 'al' })).toEqual(['Alma']);
    expect(await names(ws, { search: '0172 0000 0004' })).toEqual(['Dario']);
    expect(await names(ws, { labelIds: [vip] })).toEqual(['Alma', 'Carla']);
    expect(await names(ws, { labelIds: [vip, lead] })).toEqual(['Alma', 'Bruno', 'Carla', 'Elif']);
    expect(await names(ws, { optedOut: true })).toEqual(['Carla']);
    expect(await names(ws, { optedOut: false, labelIds: [lead] })).toEqual(['Bruno', 'Elif']);
    expect(await names(ws, { fields: [{ key: 'plan', op: 'EQ', value: 'pro' }] })).toEqual(['Alma', 'Carla']);
    expect(await names(ws, { fields: [{ key: 'plan', op: 'NEQ', value: 'Pro' }] })).toEqual(['Bruno', 'Dario', 'Elif']);
    expect(await names(ws, { fields: [{ key: 'orders', op: 'GTE', value: 5 }] })).toEqual(['Alma', 'Carla']);
    expect(await names(ws, { fields: [{ key: 'orders', op: 'LT', value: 5 }, { key: 'city', op: 'CONTAINS', value: 'ber' }] })).toEqual(['Bruno']);
    expect(await names(ws, { fields: [{ key: 'city', op: 'NOT_SET' }] })).toEqual(['Carla', 'Dario']);
    expect(await names(ws, { lastSeenAfter: '2026-12-01T00:00:00Z' })).toEqual(['Bruno', 'Dario']);
    expect(await names(ws, { lastSeenAfter: '2026-11-15T00:00:00Z', lastSeenBefore: '2026-12-01T10:00:00Z' })).toEqual(['Alma']);
    expect(await names(other, { search: 'Alma' })).toEqual(['Alma Other']);
  });

  it('orders by last seen (never seen last) and pages without skipping or repeating', async () => {
    expect(await names(ws, {}, 'LAST_SEEN_DESC')).toEqual(['Bruno', 'Dario', 'Alma', 'Elif', 'Carla']);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { contacts }: any = await gqlOk(api, CONTACTS, { first: 2, after, o: 'LAST_SEEN_DESC' }, ws.token);
      expect(contacts.totalCount).toBe(5);
      seen.push(...contacts.edges.map((e: any) => e.node.name));
      if (!contacts.pageInfo.hasNextPage) break;
      after = contacts.pageInfo.endCursor;
    }
    expect(seen).toEqual(['Bruno', 'Dario', 'Alma', 'Elif', 'Carla']);
    expect(messages(await gql(api, CONTACTS, { after: 'nonsense' }, ws.token))).toEqual(['after: is not a cursor this API gave out']);
  });

  it('refuses a filter it cannot run, naming the part', async () => {
    const bad = async (f: object) => messages(await gql(api, CONTACTS, { f }, ws.token));
    expect(await bad({ fields: [{ key: 'shoe', op: 'EQ', value: 1 }] })).toEqual(['filter.fields.0.key: no custom field has the key "shoe"']);
    expect(await bad({ fields: [{ key: 'plan', op: 'GT', value: 'Pro' }] })).toEqual(['filter.fields.0.op: GT does not apply to a CHOICE field (use EQ, NEQ, IS_SET, NOT_SET)']);
    expect(await bad({ fields: [{ key: 'orders', op: 'EQ', value: 'lots' }] })).toEqual(['filter.fields.0.value: must be a number']);
    expect(await bad({ labelIds: ['00000000-0000-4000-8000-000000000000'] })).toEqual(['filter.labelIds: a label was not found']);
    expect(await bad({ labelIds: ['nope'] })).toEqual(['filter.labelIds.0: is not a valid id']);
  });

  it('saves segments that count exactly their contacts now', async () => {
    const create = `mutation($i: CreateSegmentInput!) { createSegment(input: $i) { id name count filter } }`;
    const pro = (await gqlOk(api, create, { i: { name: 'Pro buyers', filter: { fields: [{ key: 'plan', op: 'EQ', value: 'Pro' }], optedOut: false } } }, ws.token)).createSegment;
    expect(pro).toMatchObject({ name: 'Pro buyers', count: 1, filter: { fields: [{ key: 'plan', op: 'EQ', value: 'Pro' }], optedOut: false } });
    expect(await names(ws, pro.filter)).toEqual(['Alma']);
    const leads = (await gqlOk(api, create, { i: { name: 'Leads', filter: { labelIds: [lead] } } }, ws.token)).createSegment;
    expect(leads.count).toBe(3);
    expect(messages(await gql(api, create, { i: { name: 'leads', filter: {} } }, ws.token))).toEqual(['name: a segment named "leads" exists']);

    const updated = (await gqlOk(api, `mutation($id: ID!, $i: UpdateSegmentInput!) { updateSegment(id: $id, input: $i) { name count } }`, { id: leads.id, i: { filter: { labelIds: [lead], optedOut: false } } }, ws.token)).updateSegment;
    expect(updated).toEqual({ name: 'Leads', count: 2 });
    // The table within a segment, with its own filter on top.
    const within = `query($s: ID!, $f: ContactFilterInput) { contacts(segmentId: $s, filter: $f, orderBy: NAME_ASC) { edges { node { name } } } }`;
    const inSegment = async (f: object) => (await gqlOk(api, within, { s: leads.id, f }, ws.token)).contacts.edges.map((e: any) => e.node.name);
    expect(await inSegment({})).toEqual(['Bruno', 'Elif']);
    expect(await inSegment({ search: 'eli' })).toEqual(['Elif']);
    expect((await gql(api, within, { s: leads.id }, other.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await gqlOk(api, `{ segments { name count } }`, {}, ws.token)).segments).toEqual([{ name: 'Leads', count: 2 }, { name: 'Pro buyers', count: 1 }]);
    expect((await gqlOk(api, `{ segments { name } }`, {}, other.token)).segments).toEqual([]);
    expect((await gqlOk(api, `query($id: ID!) { segment(id: $id) { id } }`, { id: pro.id }, other.token)).segment).toBeNull();
  });

  it('lets a viewer read contacts but change nothing', async () => {
    const email = `viewer-${ws.workspaceId.slice(0, 8)}@example.com`;
    await gqlOk(api, `mutation($i: AddMemberInput!) { addMember(input: $i) { role } }`, { i: { email, name: 'Viewer', password: 'viewer password', role: 'VIEWER' } }, ws.token);
    const viewer = (await gqlOk(api, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, { i: { email, password: 'viewer password' } })).signIn.accessToken;
    expect((await names({ ...ws, token: viewer }, { labelIds: [vip] }))).toEqual(['Alma', 'Carla']);
    const [anyContact] = (await gqlOk(api, CONTACTS, {}, viewer)).contacts.edges.map((e: any) => e.node.id);
    const refused = [
      gql(api, `mutation { createLabel(input: { name: "V", color: "#000000" }) { id } }`, {}, viewer),
      gql(api, `mutation($c: [ID!]!, $l: [ID!]!) { addLabels(contactIds: $c, labelIds: $l) }`, { c: [anyContact], l: [vip] }, viewer),
      gql(api, `mutation($id: ID!) { updateContact(id: $id, input: { name: "x" }) { id } }`, { id: anyContact }, viewer),
      gql(api, `mutation($c: ID!) { addNote(contactId: $c, text: "x") { id } }`, { c: anyContact }, viewer),
      gql(api, `mutation { createSegment(input: { name: "V", filter: {} }) { id } }`, {}, viewer),
      gql(api, `mutation { createCustomField(input: { key: "v", name: "V", type: TEXT }) { id } }`, {}, viewer),
    ];
    for (const result of await Promise.all(refused)) expect(codes(result)).toEqual(['FORBIDDEN']);
  });
});
