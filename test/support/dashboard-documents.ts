/**
 * Every GraphQL document the dashboard writes (`graphql(...)` anywhere in web/src), read from the
 * source as the client sends it (each operation with the fragments it uses). The schema test and
 * the query-limit test both check them.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const WEB_SRC = path.resolve(__dirname, '../../web/src');

interface Written { text: string; fragments: string[] }

/** Each `graphql(`…`, [Fragments])` call in web/src, and the constant it is assigned to where it is. */
function documentsIn(dir: string): { named: Map<string, Written>; all: Written[] } {
  const named = new Map<string, Written>();
  const all: Written[] = [];
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !/\.(test|d)\.ts$/.test(f))
    .map((f) => path.join(dir, f));
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'graphql') {
        const [text, fragments] = node.arguments;
        if (!text || !ts.isNoSubstitutionTemplateLiteral(text)) throw new Error(`${file}: graphql() takes a plain template literal`);
        const written = {
          text: text.text,
          fragments: fragments && ts.isArrayLiteralExpression(fragments) ? fragments.elements.map((e) => e.getText()) : [],
        };
        all.push(written);
        if (ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) named.set(node.parent.name.text, written);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { named, all };
}


const { named, all } = documentsIn(WEB_SRC);

/** An operation with the fragments it uses, directly or through other fragments, as the client sends it. */
function withFragments(doc: Written): string {
  const seen = new Set<string>();
  const parts = [doc.text];
  const add = (names: string[]) => {
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const fragment = named.get(name);
      if (!fragment) throw new Error(`fragment constant ${name} not found`);
      parts.push(fragment.text);
      add(fragment.fragments);
    }
  };
  add(doc.fragments);
  return parts.join('\n');
}

/** The dashboard's operations, each with its fragments.*/
export const dashboardOperations = (): string[] => all.filter((d) => /^\s*(query|mutation|subscription)\b/.test(d.text)).map(withFragments);

