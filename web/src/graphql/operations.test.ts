/**
 * Every GraphQL document the dashboard writes (`graphql(...)` anywhere in web/src) checked against
 * the API's printed schema with graphql-js's full validation: the type check catches a field the
 * schema lacks, this catches the rest (a wrong argument, a variable of the wrong type, a bad fragment).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { dashboardOperations } from '../../../test/support/dashboard-documents';

const SCHEMA = buildSchema(fs.readFileSync(path.resolve(__dirname, '../../../api/graphql/schema.graphql'), 'utf8'));
const operations = dashboardOperations();

test('finds the dashboard operations', () => {
  expect(operations.length).toBeGreaterThanOrEqual(20);
  expect(operations.some((d) => d.includes('mutation Refresh'))).toBe(true);
});

test.each(operations.map((d) => [d.match(/^\s*\w+\s+(\w+)/)?.[1] ?? d.slice(0, 40), d]))('%s is valid against schema.graphql', (_name, document) => {
  expect(validate(SCHEMA, parse(document)).map((e) => e.message)).toEqual([]);
});
