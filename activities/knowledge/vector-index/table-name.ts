/**
 * The name of the table (LanceDB) or collection (Qdrant) that holds one embedding model's vectors:
 * `vectors_<model slug>_<dimensions>`. Two models, or one model at two widths, never share one.
 */
export function vectorTableName(model: string, dimensions: number): string {
  const slug = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `vectors_${slug}_${dimensions}`;
}

/** Of `names`, the tables of `model` at any width, or at any but `except`. */
export function modelTables(names: string[], model: string, except?: number): string[] {
  const prefix = vectorTableName(model, 0).replace(/0$/, '');
  return names.filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)) && Number(n.slice(prefix.length)) !== except);
}
