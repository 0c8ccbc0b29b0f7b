/**
 * Roles, against the whole platform in a child process (a take over is a command to the
 * conversation workflow): an agent works the inbox, a viewer only reads it, neither manages the workspace.
 */
import { createWorkspace, gql, gqlOk, startPlatform, type PlatformProcess } from '../../test/support/platform';

let platform: PlatformProcess;

beforeAll(async () => {
  platform = await startPlatform();
});

afterAll(() => platform?.stop());

const codes = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.map((e) => e.extensions?.code);

describe('roles', () => {
  it('lets an owner add an agent and a viewer, and forbids them what their role does not allow', async () => {
    // A workspace of its own: its member list is exactly who this test adds.
    const shop = await createWorkspace(platform.url);
    const add = `mutation($i: AddMemberInput!) { addMember(input: $i) { role user { email } } }`;
    const stamp = Date.now();
    const agentEmail = `agent-${stamp}@example.com`;
    const viewerEmail = `viewer-${stamp}@example.com`;
    await gqlOk(platform.url, add, { i: { email: agentEmail, name: 'Agent', password: 'agent password', role: 'AGENT' } }, shop.token);
    await gqlOk(platform.url, add, { i: { email: viewerEmail, name: 'Viewer', password: 'viewer password', role: 'VIEWER' } }, shop.token);
    const signIn = async (email: string, password: string) =>
      (await gqlOk(platform.url, `mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }`, { i: { email, password } })).signIn.accessToken;
    const agent = await signIn(agentEmail, 'agent password');
    const viewer = await signIn(viewerEmail, 'viewer password');

    const rule = `mutation { createKeywordRule(input: { keywords: ["x"], matchType: EXACT, reply: "y" }) { id } }`;
    expect(codes(await gql(platform.url, rule, {}, agent))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(platform.url, `mutation { createChannel(input: { kind: SIMULATOR, name: "z" }) { id } }`, {}, agent))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(platform.url, add, { i: { email: `x-${stamp}@example.com`, name: 'X', password: 'x password', role: 'AGENT' } }, agent))).toEqual(['FORBIDDEN']);

    // An agent works the inbox; a viewer only reads it.
    const inbound = `mutation($i: SimulateInboundInput!) { simulateInbound(input: $i) { conversationId } }`;
    const { simulateInbound } = await gqlOk(platform.url, inbound, { i: { channelId: shop.channelId, from: '+4915100000095', text: 'hello' } }, agent);
    const id = simulateInbound.conversationId;
    expect((await gqlOk(platform.url, `mutation($id: ID!) { takeOver(conversationId: $id) { mode } }`, { id }, agent)).takeOver.mode).toBe('HUMAN');
    expect(codes(await gql(platform.url, `mutation($id: ID!) { release(conversationId: $id) { mode } }`, { id }, viewer))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(platform.url, `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`, { i: { conversationId: id, text: 'hi' } }, viewer))).toEqual(['FORBIDDEN']);
    expect((await gqlOk(platform.url, `query($id: ID!) { conversation(id: $id) { mode } }`, { id }, viewer)).conversation.mode).toBe('HUMAN');
    const members = (await gqlOk(platform.url, '{ members { role user { email } } }', {}, viewer)).members;
    expect(members.map((m: any) => m.role)).toEqual(['OWNER', 'AGENT', 'VIEWER']);
  });
});
