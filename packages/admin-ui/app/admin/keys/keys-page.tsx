import { useState } from "preact/hooks";
import { api } from "../../lib/api.js";
import { t } from "../../lib/i18n.js";
import type { PublicInfo } from "../../lib/types.js";
import { providerId } from "../../lib/types.js";
import { useFetch } from "../use-fetch.js";
import { bulkUpdateKeys, deleteKeys, setKeyDisabled } from "./keys-api.js";
import { type KeysDialog, KeysDialogs } from "./keys-dialogs.js";
import { KeysFilterBar } from "./keys-filter-bar.js";
import { KeysPager } from "./keys-pager.js";
import { type BulkAction, KeysSelectionBar } from "./keys-selection-bar.js";
import { KeysTable } from "./keys-table.js";
import { useActionNotice } from "./use-action-notice.js";
import { useKeySelection } from "./use-key-selection.js";
import { useKeysQuery } from "./use-keys-query.js";

const DONE_LABEL = { enable: "enabled", disable: "disabled", delete: "deleted" } as const;

/** The keys page: the filter bar, the selection bar, the table and its pager, and their dialogs. */
export function KeysPage() {
  const info = useFetch(() => api<PublicInfo>("/public/api/info"), []);
  const providers = (info.data?.providers ?? []).map(providerId);
  const query = useKeysQuery();
  const selection = useKeySelection({ total: query.total, filter: query.filter, pageIds: query.rows.map((r) => r.id) });
  const [dialog, setDialog] = useState<KeysDialog | null>(null);
  const { notice, run } = useActionNotice(query.reload);
  const confirm = (message: string, label: string, go: () => void) =>
    setDialog({ kind: "confirm", message, label, run: go });

  const bulk = (action: BulkAction) => {
    const go = () =>
      run(t(DONE_LABEL[action]), async () => {
        const result = await bulkUpdateKeys(action, selection.target());
        selection.clear();
        return result;
      });
    if (action === "delete") confirm(t("confirmDeleteSelected", { n: selection.count }), t("delete"), go);
    else go();
  };

  return (
    <section aria-labelledby="keys-title">
      <div class="page-head">
        <h1 id="keys-title">{t("navKeys")}</h1>
        <div class="actions">
          <button type="button" class="primary" onClick={() => setDialog({ kind: "add" })}>
            {t("addKeys")}
          </button>
          <button type="button" onClick={() => setDialog({ kind: "check", target: { all: true } })}>
            {t("checkAll")}
          </button>
          <button type="button" onClick={() => setDialog({ kind: "export" })}>
            {t("export")}
          </button>
          <button
            type="button"
            class="danger"
            onClick={() =>
              confirm(t("confirmDeleteInvalid"), t("deleteInvalid"), () =>
                run(t("deleted"), () => deleteKeys({ filter: { status: ["invalid"] } })),
              )
            }
          >
            {t("deleteInvalid")}
          </button>
        </div>
      </div>
      <KeysFilterBar
        providers={providers}
        onApply={(fields) => {
          query.applyFilters(fields);
          selection.clear();
        }}
      />
      {notice && <output class={notice.error ? "error" : "notice"}>{notice.text}</output>}
      <KeysSelectionBar
        selection={selection}
        total={query.total}
        onCheck={() => setDialog({ kind: "check", target: selection.target() })}
        onBulk={bulk}
      />
      {query.error && <p class="error">{query.error}</p>}
      <KeysTable
        query={query}
        selection={selection}
        onToggleDisabled={(k) =>
          run(t(k.status === "disabled" ? "enabled" : "disabled"), () => setKeyDisabled(k.id, k.status !== "disabled"))
        }
        onTimeline={(k) => setDialog({ kind: "timeline", key: k })}
        onDelete={(k) =>
          confirm(t("confirmDeleteOne", { key: k.key }), t("delete"), () =>
            run(t("deleted"), () => deleteKeys({ ids: [k.id] })),
          )
        }
      />
      <KeysPager query={query} />
      <KeysDialogs
        dialog={dialog}
        providers={providers}
        query={query}
        selection={selection}
        onClose={() => setDialog(null)}
      />
    </section>
  );
}
