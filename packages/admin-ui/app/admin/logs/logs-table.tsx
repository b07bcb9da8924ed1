import { t } from "../../lib/i18n.js";
import type { RequestRecord } from "../../lib/types.js";
import { LogRow } from "./log-row.js";

const COLUMNS = [
  "time",
  "token",
  "provider",
  "surface",
  "model",
  "key",
  "status",
  "attempts",
  "ttfb",
  "duration",
  "tokens",
];

/** The log table: one row per request, newest first; a row (click or Enter) opens its detail. */
export function LogsTable({ rows, onOpen }: { rows: RequestRecord[]; onOpen: (row: RequestRecord) => void }) {
  return (
    <div class="table-wrap card">
      <table class="logs-table">
        {/* Fixed column widths (styles.css): columns do not jump as Live adds rows. */}
        <colgroup>
          {COLUMNS.map((name) => (
            <col key={name} class={`col-${name}`} />
          ))}
        </colgroup>
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
            <LogRow key={r.id} r={r} onOpen={onOpen} />
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p class="empty">{t("logEmpty")}</p>}
    </div>
  );
}
