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
