import { Dialog } from "../../components/dialog.js";
import { formatNumber } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import type { RequestRecord } from "../../lib/types.js";
import { failureLabel, logTime, ms, statusClass } from "./log-cells.js";

/** One request: its summary, each attempt (masked key, failure class, status, ms) and its error. */
export function LogDetail({ record: r, onClose }: { record: RequestRecord; onClose: () => void }) {
  const facts: [string, string][] = [
    [t("logTime"), logTime(r.at)],
    [t("token"), r.token?.name ?? t("logNoToken")],
    [t("provider"), `${r.provider} · ${r.surface}`],
    [t("logModel"), r.model ?? "—"],
    [t("logTtfb"), ms(r.ttfbMs)],
    [t("logDuration"), ms(r.durationMs)],
    [t("logStreamed"), r.streamed ? "✓" : "—"],
    [t("logTokens"), `${formatNumber(r.tokensIn, 0)} / ${formatNumber(r.tokensOut, 0)}`],
    [t("logBytes"), formatNumber(r.bytes, 0)],
  ];
  return (
    <Dialog title={t("logDetail", { id: r.id })} onClose={onClose} wide>
      <p>
        {t("status")}: <span class={`badge ${statusClass(r.status)}`}>{r.status}</span>
      </p>
      <dl class="log-facts">
        {facts.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div class="table-wrap">
        <table aria-label={t("logAttempts")} data-testid="attempts">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("key")}</th>
              <th scope="col">{t("logFailure")}</th>
              <th scope="col" class="num">
                {t("status")}
              </th>
              <th scope="col" class="num">
                ms
              </th>
            </tr>
          </thead>
          <tbody>
            {r.attempts.map((a, i) => (
              <tr key={`${i}-${a.keyId}`} data-failure={a.failure ?? ""}>
                <td>{i + 1}</td>
                <td class="mono">{a.keyMasked}</td>
                <td>
                  {failureLabel(a.failure)} {a.failure && <code>{a.failure}</code>}
                </td>
                <td class="num">{a.status ?? "—"}</td>
                <td class="num">{formatNumber(a.ms, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.error && (
        <p class="error" data-testid="log-error">
          {t("logError")}: {r.error}
        </p>
      )}
      <div class="buttons">
        <button type="button" onClick={onClose}>
          {t("close")}
        </button>
      </div>
    </Dialog>
  );
}
