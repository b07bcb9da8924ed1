import { useEffect, useState } from "preact/hooks";
import { type ApiInit, api, buildUrl, errorText } from "../../lib/api.js";
import { t } from "../../lib/i18n.js";
import { type PublicInfo, providerId, type RequestLogPage, type RequestRecord } from "../../lib/types.js";
import { useFetch } from "../use-fetch.js";
import { LogDetail } from "./log-detail.js";
import { LogFilterBar, type LogFilterFields, logQuery, NO_LOG_FILTERS } from "./log-filters.js";
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

/** The request log: filters, Live tail, the table (newest first), a request's detail, exports. */
export function LogsPage() {
  const info = useFetch(() => api<PublicInfo>("/public/api/info"), []);
  const [fields, setFields] = useState<LogFilterFields>(NO_LOG_FILTERS);
  const [live, setLive] = useState(false);
  const [connected, setConnected] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<RequestRecord | null>(null);
  const query = logQuery(fields);
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
    dropped: (n) => setNotice(t("logDropped", { n })),
    connected: (ok) => {
      setConnected(ok);
      setNotice(ok ? null : t("logLiveLost"));
    },
  });

  const older = async () => {
    const current = list.data;
    if (!current?.next) return;
    try {
      const page = await api<RequestLogPage>("/admin/api/logs", {
        query: { ...query, limit: PAGE, cursor: current.next },
      });
      list.setData({ ...page, items: [...current.items, ...page.items] });
    } catch (e) {
      setNotice(errorText(e));
    }
  };

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
      <LogFilterBar providers={(info.data?.providers ?? []).map(providerId)} onApply={setFields} />
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
