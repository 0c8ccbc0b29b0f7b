/**
 * Writes api/graphql/schema.graphql from the code (`npm run schema:print`), and the dashboard's
 * gql.tada introspection from it; a test checks both are current.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dashboardIntrospection, INTROSPECTION_FILE } from './dashboard-introspection';
import { printedSchema } from './schema';

const sdl = `${printedSchema()}\n`;
fs.writeFileSync(path.resolve('api/graphql/schema.graphql'), sdl);
fs.writeFileSync(path.resolve(INTROSPECTION_FILE), dashboardIntrospection(sdl));
