import { formatNumber } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import type { RequestRecord } from "../../lib/types.js";
import { logTime, ms, statusClass } from "./log-cells.js";

/** The log table: one row per request, newest first; a row (click or Enter) opens its detail. */
export function LogsTable({ rows, onOpen }: { rows: RequestRecord[]; onOpen: (row: RequestRecord) => void }) {
  return (
    <div class="table-wrap card">
      <table class="logs-table">
        <thead>
          <tr>
            <th scope="col">{t("logTime")}</th>
            <th scope="col">{t("token")}</th>
            <th scope="col">{t("provider")}</th>
            <th scope="col">{t("logSurface")}</th>
            <th scope="col">{t("logModel")}</th>
            <th scope="col">{t("key")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col" class="num">
              {t("logAttempts")}
            </th>
            <th scope="col" class="num">
              {t("logTtfb")}
            </th>
            <th scope="col" class="num">
              {t("logDuration")}
            </th>
            <th scope="col" class="num">
              {t("logTokens")}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.id}
              data-id={r.id}
              class="clickable"
              tabIndex={0}
              onClick={() => onOpen(r)}
              onKeyDown={(e) => {
                if (e.key === "Enter" || e.key === " ") {
                  e.preventDefault();
                  onOpen(r);
                }
              }}
            >
              <td>{logTime(r.at)}</td>
              <td>{r.token?.name ?? t("logNoToken")}</td>
              <td>{r.provider}</td>
              <td>{r.surface}</td>
              <td>{r.model ?? "—"}</td>
              <td class="mono">{r.keyMasked ?? "—"}</td>
              <td>
                <span class={`badge ${statusClass(r.status)}`}>{r.status}</span>
              </td>
              <td class="num">{r.attempts.length}</td>
              <td class="num">{ms(r.ttfbMs)}</td>
              <td class="num">{ms(r.durationMs)}</td>
              <td class="num">
                {formatNumber(r.tokensIn, 0)} / {formatNumber(r.tokensOut, 0)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p class="empty">{t("logEmpty")}</p>}
    </div>
  );
}
