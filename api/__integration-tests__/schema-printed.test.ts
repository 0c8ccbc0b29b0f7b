/**
 * api/graphql/schema.graphql is printed from the code, and the dashboard's types from it; this fails
 * when someone forgot `npm run schema:print`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dashboardIntrospection, INTROSPECTION_FILE } from '../graphql/dashboard-introspection';
import { NODE } from '../../test/support/platform';
import { TEST_ROOT } from '../../test/support/services-env';

it('matches the schema the code builds', () => {
  const printed = execFileSync(NODE, ['--import', 'tsx', '-e', "import('./api/graphql/schema.ts').then((m) => process.stdout.write(m.printedSchema() + '\\n'))"], {
    cwd: TEST_ROOT,
    encoding: 'utf8',
  });
  expect(fs.readFileSync(path.join(TEST_ROOT, 'api/graphql/schema.graphql'), 'utf8')).toBe(printed);
  for (const name of ['signUp', 'signIn', 'refreshToken', 'createChannel', 'simulateInbound', 'sendMessage', 'takeOver', 'release', 'createKeywordRule', 'conversations', 'conversation', 'messageAdded']) {
    expect(printed).toMatch(new RegExp(`\\b${name}\\(`));
  }
});

it('types the dashboard from the printed schema (graphql-env.d.ts is current)', () => {
  const sdl = fs.readFileSync(path.join(TEST_ROOT, 'api/graphql/schema.graphql'), 'utf8');
  expect(fs.readFileSync(path.join(TEST_ROOT, INTROSPECTION_FILE), 'utf8')).toBe(dashboardIntrospection(sdl));
});
