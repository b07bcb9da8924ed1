import { Confirm } from "../../components/dialog.js";
import type { Key } from "../../lib/types.js";
import { AddKeysDialog } from "../add-keys-dialog.js";
import { CheckDialog, type CheckTarget } from "../check-dialog.js";
import { ExportDialog } from "../export-dialog.js";
import { KeyTimelineDialog } from "./key-timeline.js";
import type { KeySelection } from "./use-key-selection.js";
import type { KeysQuery } from "./use-keys-query.js";

/** The one dialog the keys page may have open. */
export type KeysDialog =
  | { kind: "add" }
  | { kind: "check"; target: CheckTarget }
  | { kind: "export" }
  | { kind: "timeline"; key: Key }
  | { kind: "confirm"; message: string; label: string; run: () => void };

/** Renders the open dialog; check results update the table's rows as they arrive. */
export function KeysDialogs({
  dialog,
  providers,
  query,
  selection,
  onClose,
}: {
  dialog: KeysDialog | null;
  providers: string[];
  query: KeysQuery;
  selection: KeySelection;
  onClose: () => void;
}) {
  switch (dialog?.kind) {
    case "add":
      return (
        <AddKeysDialog
          providers={providers}
          onClose={onClose}
          onAdded={(result) => {
            query.reload();
            // The keys just added become the selection, ready for a bulk action.
            if (result.added.length > 0) selection.selectOnly(result.added.map((a) => a.id));
          }}
          onResult={query.applyCheckResult}
          onCheckFinished={query.reload}
        />
      );
    case "check":
      return (
        <CheckDialog
          target={dialog.target}
          onResult={query.applyCheckResult}
          onClose={onClose}
          onFinished={query.reload}
        />
      );
    case "export":
      return <ExportDialog filter={query.filter} selectedIds={selection.pickedIds()} onClose={onClose} />;
    case "timeline":
      return <KeyTimelineDialog k={dialog.key} onClose={onClose} />;
    case "confirm":
      return (
        <Confirm message={dialog.message} confirmLabel={dialog.label} danger onConfirm={dialog.run} onClose={onClose} />
      );
    default:
      return null;
  }
}
