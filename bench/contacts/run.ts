/**
 * The contacts table at 100k contacts: a page of 50 with a label filter, through the product's
 * query (schema/contacts/contact-query.ts, then the page's rows loaded as the resolver loads them),
 * side by side with a baseline measured in the same run: a plain indexed select of the same page
 * size in the same order, no filter. Another workspace of 50k contacts shares the tables.
 *
 *   npm run bench:contacts [-- --contacts 100000 --queries 300 --port 54369]
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createOrm, migrate } from '../../schema/orm';
import { countContacts, findContactPage, prepareContactQuery, type ContactOrder } from '../../schema/contacts/contact-query';
import type { ContactFilter } from '../../schema/contacts/contact-filter';
import { Contact } from '../../schema/entities/contact.entity';
import { freshPostgres } from '../pipeline/lib/services';
import { summarize, type Summary } from '../pipeline/lib/load';

const { values: args } = parseArgs({
  options: { contacts: { type: 'string', default: '100000' }, queries: { type: 'string', default: '300' }, port: { type: 'string', default: '54369' } },
});
const CONTACTS = Number(args.contacts);
const QUERIES = Number(args.queries);
const PAGE = 50;
const WARMUP = 20;
const TARGET_P95_MS = 100;
/** Labels and the share of contacts that have each: a common one, a middling one, a rare one. */
const LABELS = [
  { name: 'Customer', share: 0.3 },
  { name: 'Newsletter', share: 0.1 },
  { name: 'VIP', share: 0.005 },
];
const log = (line: string) => console.log(`[bench:contacts] ${line}`);

async function timed(n: number, run: (i: number) => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await run(i);
    ms.push(performance.now() - start);
  }
  return summarize(ms);
}

/** `n` contacts of a workspace (and their labels) in batches of 5,000; last seen spread over 90 days, a tenth never seen. */
async function seed(em: EntityManager, workspaceId: string, n: number, labelIds: string[]): Promise<void> {
  const now = Date.now();
  for (let from = 0; from < n; from += 5000) {
    const rows = Array.from({ length: Math.min(5000, n - from) }, (_, k) => {
      const i = from + k;
      return {
        id: randomUUID(),
        contact_key: `4915${String(100_000_000 + i)}`,
        name: `Customer ${i}`,
        email: `c${i}@example.com`,
        fields: { plan: i % 3 ? 'Free' : 'Pro', orders: i % 17 },
        last_seen_at: i % 10 === 0 ? null : new Date(now - Math.random() * 90 * 86_400_000).toISOString(),
      };
    });
    await em.execute(
      `insert into contacts (id, workspace_id, contact_key, phone, name, email, fields, last_seen_at, first_seen_at)
       select r.id, ?, r.contact_key, '+' || r.contact_key, r.name, r.email, r.fields, r.last_seen_at, r.last_seen_at
         from jsonb_to_recordset(?::jsonb) as r(id uuid, contact_key text, name text, email text, fields jsonb, last_seen_at timestamptz)`,
      [workspaceId, JSON.stringify(rows)],
    );
    const pairs: [string, string][] = [];
    for (const r of rows) LABELS.forEach((label, l) => Math.random() < label.share && pairs.push([r.id, labelIds[l]]));
    if (pairs.length) {
      await em.execute(`insert into contact_labels (contact_id, label_id, workspace_id) select c, l, ? from unnest(?::uuid[], ?::uuid[]) as t(c, l)`, [
        workspaceId,
        `{${pairs.map(([c]) => c).join(',')}}`,
        `{${pairs.map(([, l]) => l).join(',')}}`,
      ]);
    }
  }
}

async function main() {
  const pg = await freshPostgres(Number(args.port), 'parley_bench_contacts', log);
  const orm = await createOrm(pg.url);
  try {
    await migrate(orm);
    const em = orm.em.fork();
    const workspaceId = randomUUID();
    const otherId = randomUUID();
    const labelIds: string[] = [];
    const otherLabelIds: string[] = [];
    for (const [id, ids] of [[workspaceId, labelIds], [otherId, otherLabelIds]] as const) {
      await em.execute(`insert into workspaces (id, name) values (?, 'bench')`, [id]);
      for (const label of LABELS) {
        const labelId = randomUUID();
        await em.execute(`insert into labels (id, workspace_id, name, color) values (?, ?, ?, '#123456')`, [labelId, id, label.name]);
        ids.push(labelId);
      }
    }
    let start = performance.now();
    await seed(em, workspaceId, CONTACTS, labelIds);
    await seed(em, otherId, Math.round(CONTACTS / 2), otherLabelIds);
    await em.execute('analyze contacts');
    await em.execute('analyze contact_labels');
    log(`loaded ${CONTACTS} contacts (+${Math.round(CONTACTS / 2)} in another workspace) with labels in ${((performance.now() - start) / 1000).toFixed(1)} s`);

    /** What the contacts resolver does for a page: the filter's ids in order, then their rows. */
    const page = async (filter: ContactFilter, order: ContactOrder = 'LAST_SEEN_DESC', deep = false) => {
      const fork = orm.em.fork();
      const { query } = await prepareContactQuery(fork, workspaceId, filter, true);
      let after;
      if (deep) {
        // Ten pages in: the cursor of the 500th row.
        const skip = await findContactPage(fork, query, order, 500);
        after = skip.at(-1);
      }
      const rows = await findContactPage(fork, query, order, PAGE + 1, after);
      return fork.find(Contact, { id: { $in: rows.slice(0, PAGE).map((r) => r.id) }, workspaceId });
    };
    const [customer, newsletter, vip] = labelIds;

    start = performance.now();
    const results: Record<string, Summary> = {
      // The baseline: the same page size and order from the same index, no filter, in one plain select.
      baselinePlainIndexedPage: await timed(QUERIES, () =>
        orm.em.fork().execute(`select * from contacts c where c.workspace_id = ? order by coalesce(c.last_seen_at, '-infinity'::timestamptz) desc, c.id desc limit ${PAGE + 1}`, [workspaceId]),
      ),
      noFilterPage: await timed(QUERIES, () => page({})),
      labelCommon30pct: await timed(QUERIES, () => page({ labelIds: [customer] })),
      labelMiddling10pct: await timed(QUERIES, () => page({ labelIds: [newsletter] })),
      labelRare05pct: await timed(QUERIES, () => page({ labelIds: [vip] })),
      labelAnyOfTwo: await timed(QUERIES, () => page({ labelIds: [newsletter, vip] })),
      labelCommonTenPagesIn: await timed(QUERIES, () => page({ labelIds: [customer] }, 'LAST_SEEN_DESC', true)),
      labelCommonByName: await timed(QUERIES, () => page({ labelIds: [customer] }, 'NAME_ASC')),
      labelAndFieldEq: await timed(QUERIES, () => page({ labelIds: [newsletter], fields: [{ key: 'plan', op: 'EQ', value: 'Pro' }] })),
      labelAndSearch: await timed(QUERIES, (i) => page({ labelIds: [customer], search: `customer ${i % 1000}` })),
      totalCountLabelCommon: await timed(Math.min(QUERIES, 100), async () => {
        const fork = orm.em.fork();
        return countContacts(fork, (await prepareContactQuery(fork, workspaceId, { labelIds: [customer] }, true)).query);
      }),
    };
    log(`measured in ${((performance.now() - start) / 1000).toFixed(1)} s (${QUERIES} queries each, ${WARMUP} warm-up)`);
    for (const [name, s] of Object.entries(results)) log(`${name.padEnd(26)} p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms`);
    const labelP95 = Math.max(results.labelCommon30pct.p95, results.labelMiddling10pct.p95, results.labelRare05pct.p95);
    log(`label filter p95 (worst label) ${labelP95} ms vs baseline p95 ${results.baselinePlainIndexedPage.p95} ms: target < ${TARGET_P95_MS} ms ${labelP95 < TARGET_P95_MS ? 'met' : 'NOT met'}`);
    const out = path.join(import.meta.dirname, '../results', `contacts-${new Date().toISOString().slice(0, 10)}.json`);
    fs.writeFileSync(out, JSON.stringify({ contacts: CONTACTS, otherWorkspaceContacts: Math.round(CONTACTS / 2), page: PAGE, queries: QUERIES, labels: LABELS, results }, null, 2));
    log(`results: ${path.relative(process.cwd(), out)}`);
  } finally {
    await orm.close();
    await pg.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
