import { formatDate, formatNumber } from "../../lib/format.js";
import { t } from "../../lib/i18n.js";
import type { Key } from "../../lib/types.js";
import { StatusBadge } from "../status-badge.js";

/** The keys added last, with their status and balance. */
export function RecentKeys({ keys }: { keys: Key[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("key")}</th>
            <th scope="col">{t("provider")}</th>
            <th scope="col">{t("status")}</th>
            <th scope="col" class="num">
              {t("balance")}
            </th>
            <th scope="col">{t("added")}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td class="mono">{k.key}</td>
              <td>{k.provider}</td>
              <td>
                <StatusBadge status={k.status} />
              </td>
              <td class="num">{formatNumber(k.balance)}</td>
              <td>{formatDate(k.addedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
