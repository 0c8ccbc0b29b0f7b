/**
 * kill -9 of the worker role during an ingestion: the worker dies right after storing a
 * document's chunks and before Temporal hears the step finished (PARLEY_TEST_FAULTS=
 * kill-after-chunks-stored). A new worker retries the step, which replaces rather than adds,
 * and the document ends INDEXED with each chunk once.
 */
import { createWorkspace, query, startPlatform, waitFor } from '../support/platform';
import { chunksOf, createKnowledgeBase, fixture, uploadDocument, waitForDocument } from '../support/knowledge';

it('resumes after the worker is killed mid-ingestion and ends INDEXED with no duplicate chunks', async () => {
  const api = await startPlatform({ roles: 'api,connector' });
  let worker = await startPlatform({ roles: 'worker', databaseUrl: api.databaseUrl, env: { PARLEY_TEST_FAULTS: 'kill-after-chunks-stored' } });
  try {
    const shop = await createWorkspace(api.url);
    const kb = await createKnowledgeBase(api.url, shop.token);
    const upload = await uploadDocument(api.url, shop.token, kb, 'returns.md', fixture('returns.md'));
    const id = upload.data.addDocument.id;

    // The worker killed itself with the chunks stored and the step unreported.
    await waitFor('the worker to die', async () => worker.process.exitCode !== null || worker.process.signalCode !== null, 60_000);
    expect(worker.process.signalCode).toBe('SIGKILL');
    const [crashed] = await query(api.databaseUrl, `select status, (select count(*)::int from chunks where document_id = $1) as chunks from documents where id = $1`, [id]);
    expect(crashed).toEqual({ status: 'PROCESSING', chunks: 3 });

    worker = await startPlatform({ roles: 'worker', databaseUrl: api.databaseUrl });
    expect(await waitForDocument(api.databaseUrl, id, ['INDEXED', 'FAILED'], undefined, 150_000)).toMatchObject({ status: 'INDEXED', chunk_count: 3, indexed_revision: 1 });
    const chunks = await chunksOf(api.databaseUrl, id);
    expect(chunks.map((c) => [c.revision, c.ordinal, c.heading])).toEqual([
      [1, 0, 'Returns'],
      [1, 1, 'Returns › How to return'],
      [1, 2, 'Returns › Refunds'],
    ]);
  } finally {
    await worker.stop();
    await api.stop();
  }
});
