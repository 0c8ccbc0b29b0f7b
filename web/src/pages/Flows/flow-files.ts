/** A new flow's starting definition, and a definition saved to the user's disk (export). */
import type { FlowDefinition } from '../../../../workflows/flows/definition';

/** A blank canvas: just the trigger, waiting for a keyword and the first step. */
export function blankDefinition(): FlowDefinition {
  return {
    nodes: [{ id: 'trigger', type: 'trigger', data: { on: 'keyword', keywords: ['start'], matchType: 'EXACT' }, position: { x: 0, y: 0 } }],
    edges: [],
  };
}

/** Saves `value` as a pretty-printed JSON file through a download link. */
export function downloadJson(fileName: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName.replace(/[\\/:*?"<>|]+/g, '-');
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
