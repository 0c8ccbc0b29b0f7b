/** Writes api/graphql/schema.graphql from the code (`npm run schema:print`); a test checks it is current. */
import fs from 'node:fs';
import path from 'node:path';
import { printedSchema } from './schema';

fs.writeFileSync(path.resolve('api/graphql/schema.graphql'), `${printedSchema()}\n`);
