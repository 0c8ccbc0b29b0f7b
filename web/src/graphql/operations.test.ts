/**
 * The dashboard's GraphQL documents (operations.ts, the token refresh in client.ts) checked
 * against the API's printed schema:
 * a field renamed or removed on one side fails here rather than in a customer's browser.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { buildSchema, parse, validate } from 'graphql';

const SCHEMA = buildSchema(fs.readFileSync(path.resolve(__dirname, '../../../api/graphql/schema.graphql'), 'utf8'));
const SOURCES = fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => path.join(__dirname, f));

/** Every template literal that starts an operation, with the `${FRAGMENT}` constants it uses filled in. */
function documentsIn(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const constants = new Map<string, string>();
  const documents: string[] = [];
  const fill = (node: ts.TemplateLiteral): string =>
    ts.isNoSubstitutionTemplateLiteral(node)
      ? node.text
      : node.head.text + node.templateSpans.map((span) => {
        if (!ts.isIdentifier(span.expression) || !constants.has(span.expression.text)) throw new Error(`cannot resolve \${${span.expression.getText()}}`);
        return constants.get(span.expression.text)! + span.literal.text;
      }).join('');
  const isOperation = (node: ts.TemplateLiteral) => /^\s*(query|mutation|subscription)\b/.test(ts.isNoSubstitutionTemplateLiteral(node) ? node.text : node.head.text);
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && /^[A-Z_]+$/.test(node.name.text)
      && node.initializer && ts.isTemplateLiteral(node.initializer) && !isOperation(node.initializer)) {
      // A selection-set constant such as MESSAGE (declared before its use, as the file does).
      constants.set(node.name.text, fill(node.initializer));
      return;
    }
    if (ts.isTemplateLiteral(node) && isOperation(node)) documents.push(fill(node));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return documents;
}

const documents = SOURCES.flatMap(documentsIn);

test('finds the dashboard operations', () => {
  expect(documents.length).toBeGreaterThanOrEqual(20);
  expect(documents.some((d) => d.includes('mutation Refresh'))).toBe(true);
});

test.each(documents.map((d) => [d.match(/^\s*\w+\s+(\w+)/)?.[1] ?? d.slice(0, 40), d]))('%s is valid against schema.graphql', (_name, document) => {
  expect(validate(SCHEMA, parse(document)).map((e) => e.message)).toEqual([]);
});
