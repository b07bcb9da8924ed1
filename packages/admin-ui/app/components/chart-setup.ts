import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

// Only what the dashboard draws: bar (histogram, top keys, requests), doughnut, line.
Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

export function createChart(canvas: HTMLCanvasElement, config: ChartConfiguration, dark: boolean) {
  const text = dark ? "#cbd5e1" : "#334155";
  const grid = dark ? "rgba(148,163,184,0.15)" : "rgba(100,116,139,0.15)";
  Chart.defaults.color = text;
  Chart.defaults.borderColor = grid;
  Chart.defaults.animation = false;
  Chart.defaults.elements.arc.borderColor = dark ? "#131c2e" : "#ffffff";
  Chart.defaults.maintainAspectRatio = false;
  return new Chart(canvas, config);
}
