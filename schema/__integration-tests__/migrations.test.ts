/**
 * The entities are the one definition of each table: a database built by the committed migrations
 * must be exactly what the entities describe. Runs `npm run migration:check` itself (MikroORM is
 * ES modules only, Jest runs CommonJS, so the ORM runs in a child process as in production).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEST_ROOT, testDatabaseUrl } from '../../test/support/services-env';

const run = promisify(execFile);
const NODE = path.join(TEST_ROOT, 'node_modules/.bin/node');
const env = { ...process.env, DATABASE_URL: testDatabaseUrl('postgres') };

async function tsx(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(NODE, ['--import', 'tsx', ...args], { cwd: TEST_ROOT, env });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('entities and migrations', () => {
  it('agree: after every committed migration the schema generator finds nothing to change (migration:check)', async () => {
    const { code, output } = await tsx(['schema/migration-check.ts']);
    expect(output).toContain('the entities and the committed migrations agree');
    expect(code).toBe(0);
  });

  it('disagree when the database has a column the entities do not describe: the diff drops it', async () => {
    const { code, output } = await tsx([
      '--input-type=module',
      '-e',
      `import { withMigratedScratchDatabase } from './schema/migration-diff.ts';
       const diff = await withMigratedScratchDatabase(process.env.DATABASE_URL, async (orm) => {
         await orm.em.getConnection().execute('alter table channels add column stray text');
         return orm.schema.getUpdateSchemaMigrationSQL({ wrap: false });
       });
       console.log(JSON.stringify(diff.up));`,
    ]);
    expect(code).toBe(0);
    expect(output).toContain('alter table \\"channels\\" drop column \\"stray\\"');
  });
});
