import { Component } from "preact";
import { formatNumber } from "../../lib/format.js";
import { lang, t } from "../../lib/i18n.js";
import type { RequestRecord } from "../../lib/types.js";
import { logTime, ms, statusClass } from "./log-cells.js";

interface LogRowProps {
  r: RequestRecord;
  onOpen: (row: RequestRecord) => void;
  /** The language it was rendered in: a new one renders it again. */
  lang: string;
}

/**
 * One request's row. A record never changes, so a row renders once per record (and language):
 * with Live on under load, a batch renders its new rows only, not the 500 kept. Below 760 px the
 * row is a card (styles.css); `data-label` names each detail there.
 */
class LogRowView extends Component<LogRowProps> {
  override shouldComponentUpdate(next: LogRowProps) {
    return next.r !== this.props.r || next.lang !== this.props.lang || next.onOpen !== this.props.onOpen;
  }

  override render({ r, onOpen }: LogRowProps) {
    return (
      <tr
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
        <td data-col="time">{logTime(r.at)}</td>
        <td data-col="token" data-label={t("token")}>
          {r.token?.name ?? t("logNoToken")}
        </td>
        <td data-col="provider" data-label={t("provider")}>
          {r.provider}
        </td>
        <td data-col="surface" data-label={t("logSurface")}>
          {r.surface}
        </td>
        <td data-col="model" data-label={t("logModel")}>
          {r.model ?? "—"}
        </td>
        <td class="mono" data-col="key" data-label={t("key")}>
          {r.keyMasked ?? "—"}
        </td>
        <td data-col="status">
          <span class={`badge ${statusClass(r.status)}`}>{r.status}</span>
        </td>
        <td class="num" data-col="attempts" data-label={t("logAttempts")}>
          {r.attempts.length}
        </td>
        <td class="num" data-col="ttfb" data-label={t("logTtfb")}>
          {ms(r.ttfbMs)}
        </td>
        <td class="num" data-col="duration" data-label={t("logDuration")}>
          {ms(r.durationMs)}
        </td>
        <td class="num" data-col="tokens" data-label={t("logTokens")}>
          {formatNumber(r.tokensIn, 0)} / {formatNumber(r.tokensOut, 0)}
        </td>
      </tr>
    );
  }
}

export const LogRow = ({ r, onOpen }: Omit<LogRowProps, "lang">) => (
  <LogRowView r={r} onOpen={onOpen} lang={lang.get()} />
);
