import type { ChartConfiguration } from "chart.js";
import { useMemo, useState } from "preact/hooks";
import { api } from "../../lib/api.js";
import { t } from "../../lib/i18n.js";
import { useFetch } from "../use-fetch.js";
import { ChartOrEmpty, OutliersToggle } from "./panel.js";

/** The ten keys with the largest balance, as horizontal bars. */
export function TopKeys() {
  const [filterOutliers, setFilterOutliers] = useState(false);
  const top = useFetch(
    () =>
      api<{ data: { id: string; key: string; balance: number }[] }>("/admin/api/stats/top-keys", {
        query: { n: 10, filterOutliers },
      }),
    [filterOutliers],
  );
  const config = useMemo<ChartConfiguration | null>(() => {
    const rows = top.data?.data ?? [];
    if (rows.length === 0) return null;
    return {
      type: "bar",
      data: {
        labels: rows.map((r) => r.key),
        datasets: [{ label: t("balance"), data: rows.map((r) => r.balance), backgroundColor: "#16a34a" }],
      },
      options: { indexAxis: "y", plugins: { legend: { display: false } } },
    };
  }, [top.data]);
  return (
    <>
      <OutliersToggle checked={filterOutliers} onChange={setFilterOutliers} />
      <ChartOrEmpty error={top.error} config={config} label={t("topKeys")} />
    </>
  );
}
