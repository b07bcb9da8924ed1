import { useEffect, useMemo, useState } from "preact/hooks";
import { type ApiInit, api, buildUrl, errorText } from "../../lib/api.js";
import { t } from "../../lib/i18n.js";
import { location$, useLocation } from "../../lib/router.js";
import {
  type PublicInfo,
  providerId,
  type RequestLogPage,
  type RequestRecord,
  type TokenRecord,
} from "../../lib/types.js";
import { useFetch } from "../use-fetch.js";
import { LogDetail } from "./log-detail.js";
import { LogFilterBar } from "./log-filters.js";
import { fieldsFromSearch, logQuery, logsPageUrl } from "./log-query.js";
import { LogsTable } from "./logs-table.js";
import { useLogTail } from "./use-log-tail.js";

/** At most this many rows are in the DOM, however long Live runs. */
export const MAX_ROWS = 500;
const PAGE = 100;

/** Newest first, no id twice, at most MAX_ROWS. */
function merge(newer: RequestRecord[], older: RequestRecord[]): RequestRecord[] {
  const seen = new Set<string>();
  const out: RequestRecord[] = [];
  for (const r of [...newer, ...older]) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    out.push(r);
    if (out.length === MAX_ROWS) break;
  }
  return out;
}

/** Shows other filters: the URL changes in place (no history entry, no scroll), the page follows it. */
function applyFilters(url: string) {
  history.replaceState(null, "", url);
  location$.set({ path: location.pathname, search: location.search });
}

/** The filters the page URL names, and the log routes' query for them. */
function useUrlFilters() {
  const { search } = useLocation();
  const fields = useMemo(() => fieldsFromSearch(search), [search]);
  // A time range counts back from when its filters were applied (or the page loaded).
  const at = useMemo(() => Date.now(), [search]);
  return { fields, query: logQuery(fields, at) };
}

/** Appends the next (older) page to the list. */
async function loadOlder(
  list: { data?: RequestLogPage; setData: (data: RequestLogPage) => void },
  query: NonNullable<ApiInit["query"]>,
) {
  const current = list.data;
  if (!current?.next) return;
  const page = await api<RequestLogPage>("/admin/api/logs", { query: { ...query, limit: PAGE, cursor: current.next } });
  list.setData({ ...page, items: [...current.items, ...page.items] });
}

/**
 * The request log: filters (kept in the URL, so a reload or a shared link restores them), Live
 * tail, the table (newest first), a request's detail, exports.
 */
export function LogsPage() {
  const info = useFetch(() => api<PublicInfo>("/public/api/info"), []);
  const tokens = useFetch(() => api<{ data: TokenRecord[] }>("/admin/api/tokens"), []);
  const { fields, query } = useUrlFilters();
  const [live, setLive] = useState(false);
  const [connected, setConnected] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<RequestRecord | null>(null);
  const list = useFetch(
    () => api<RequestLogPage>("/admin/api/logs", { query: { ...query, limit: PAGE } }),
    [JSON.stringify(query)],
  );
  // Records the tail brought since the list loaded, newest first; a new filter starts over.
  const [fresh, setFresh] = useState<RequestRecord[]>([]);
  useEffect(() => setFresh([]), [JSON.stringify(query)]);
  const rows = merge(fresh, list.data?.items ?? []);

  useLogTail(live, query, MAX_ROWS, {
    records: (batch) => setFresh((prev) => merge([...batch].reverse(), prev)),
    // The tail missed some: the first page again has them all.
    dropped: (n) => {
      setNotice(t("logDropped", { n }));
      setFresh([]);
      list.reload();
    },
    connected: (ok) => {
      setConnected(ok);
      setNotice(ok ? null : t("logLiveLost"));
    },
  });

  const older = () => loadOlder(list, query).catch((e) => setNotice(errorText(e)));

  return (
    <section aria-labelledby="logs-title">
      <LogsHead
        live={live}
        query={query}
        onLive={() => {
          setConnected(false);
          setLive(!live);
        }}
      />
      <LogFilterBar
        value={fields}
        providers={(info.data?.providers ?? []).map(providerId)}
        tokens={tokens.data?.data ?? []}
        onApply={(next) => applyFilters(logsPageUrl(next))}
      />
      {live && connected && <output class="notice">{t("logLiveOn", { n: MAX_ROWS })}</output>}
      {notice && <p class="error">{notice}</p>}
      {list.error && <p class="error">{list.error}</p>}
      <p class="muted" data-testid="log-count">
        {t("logShown", { n: rows.length })}
      </p>
      <LogsTable rows={rows} onOpen={setOpen} />
      {list.data?.next && rows.length < MAX_ROWS && (
        <div class="buttons">
          <button type="button" onClick={older}>
            {t("logMore")}
          </button>
        </div>
      )}
      {open && <LogDetail record={open} onClose={() => setOpen(null)} />}
    </section>
  );
}

/** The title, the Live toggle and the export links (with the current filters). */
function LogsHead({
  live,
  query,
  onLive,
}: {
  live: boolean;
  query: NonNullable<ApiInit["query"]>;
  onLive: () => void;
}) {
  const exportUrl = (format: "csv" | "jsonl") => buildUrl("/admin/api/logs/export", { ...query, format });
  return (
    <div class="page-head">
      <h1 id="logs-title">{t("navLogs")}</h1>
      <div class="buttons">
        <button type="button" class="live-toggle" aria-pressed={live} onClick={onLive} data-testid="live">
          {t("logLive")}
        </button>
        <a class="button" href={exportUrl("csv")} download>
          {t("logExportCsv")}
        </a>
        <a class="button" href={exportUrl("jsonl")} download>
          {t("logExportJsonl")}
        </a>
      </div>
    </div>
  );
}
