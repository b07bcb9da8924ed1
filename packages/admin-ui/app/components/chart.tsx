import type { ChartConfiguration, Chart as ChartInstance } from "chart.js";
import { useEffect, useRef } from "preact/hooks";
import { useStore } from "../lib/store.js";
import { effectiveTheme, theme } from "../lib/theme.js";

let loader: Promise<typeof import("./chart-setup.js")> | undefined;

/** A Chart.js canvas; Chart.js loads on first use, so pages without charts never pay for it. */
export function Chart({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartInstance | null>(null);
  useStore(theme);
  const dark = effectiveTheme() === "dark";
  useEffect(() => {
    let cancelled = false;
    loader ??= import("./chart-setup.js");
    loader.then(({ createChart }) => {
      if (cancelled || !canvas.current) return;
      chart.current?.destroy();
      chart.current = createChart(canvas.current, config, dark);
    });
    return () => {
      cancelled = true;
      chart.current?.destroy();
      chart.current = null;
    };
  }, [config, dark]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
