import { useState } from "preact/hooks";
import type { KeyFilter } from "../../lib/types.js";
import type { KeyTarget } from "./keys-api.js";

/**
 * The keys the admin picked: ids picked one by one (kept across pages and sorts), or "all matching",
 * which stands for every key the applied filter matches, on any page.
 */
export function useKeySelection({ total, filter, pageIds }: { total: number; filter: KeyFilter; pageIds: string[] }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const pageAllSelected = pageIds.length > 0 && (allMatching || pageIds.every((id) => selected.has(id)));

  const clear = () => {
    setSelected(new Set());
    setAllMatching(false);
  };
  const selectOnly = (ids: string[]) => {
    setSelected(new Set(ids));
    setAllMatching(false);
  };

  return {
    /** How many keys are selected: every matching one (`total`) when "all matching" is on. */
    count: allMatching ? total : selected.size,
    pageAllSelected,
    has: (id: string) => allMatching || selected.has(id),
    /** What bulk actions and checks apply to. */
    target: (): KeyTarget => (allMatching ? { filter } : { ids: [...selected] }),
    /** Ids for the export dialog; null when "all matching" is selected (the filter applies). */
    pickedIds: () => (allMatching ? null : [...selected]),
    clear,
    selectOnly,
    selectAllMatching: () => setAllMatching(true),
    togglePage: () => {
      if (allMatching) return clear();
      const next = new Set(selected);
      for (const id of pageIds) pageAllSelected ? next.delete(id) : next.add(id);
      setSelected(next);
    },
    toggleRow: (id: string) => {
      // Leaving "all matching" keeps the current page selected except the row clicked.
      if (allMatching) return selectOnly(pageIds.filter((x) => x !== id));
      const next = new Set(selected);
      next.has(id) ? next.delete(id) : next.add(id);
      setSelected(next);
    },
  };
}

export type KeySelection = ReturnType<typeof useKeySelection>;
