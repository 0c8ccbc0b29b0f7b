import { createVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, type Accessor } from 'solid-js';

/** Rows from the end at which the next page is asked for: a page arrives before the list runs out. */
const PREFETCH_ROWS = 40;

/**
 * A virtualized list of keyset-paged rows (contacts, a broadcast's recipients): only the rows in
 * view are in the DOM, and scrolling to within PREFETCH_ROWS of the last loaded row loads the next page.
 */
export function createPagedVirtualizer<T>(opts: { rows: Accessor<T[]>; scroller: () => HTMLElement; rowHeight: number; loadMore: () => void }) {
  const virtualizer = createVirtualizer({
    get count() { return opts.rows().length; },
    getScrollElement: opts.scroller,
    estimateSize: () => opts.rowHeight,
    overscan: 12,
  });
  createEffect(() => {
    const items = virtualizer.getVirtualItems();
    const last = items[items.length - 1];
    if (last && last.index >= opts.rows().length - PREFETCH_ROWS) opts.loadMore();
  });
  return virtualizer;
}
