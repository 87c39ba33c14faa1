// The loss chart of both panels: training loss per step as a line, eval loss as points.
// Only the chart.js parts in use are registered, so the bundle stays small; LTTB decimation keeps
// long runs smooth. The canvas carries data-points (training loss points plotted) for UI tests.
import {
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import type { ChartPoint } from './protocol';

Chart.register(LineController, LineElement, PointElement, LinearScale, Decimation, Legend, Tooltip);

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export class LossChart {
  private readonly chart: Chart<'line', ChartPoint[]>;
  private readonly canvas: HTMLCanvasElement;
  private pending = false;
  private series: [ChartPoint[], ChartPoint[], ChartPoint[]] = [[], [], []];

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const fg = themeColor('--vscode-foreground', '#ccc');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    Chart.defaults.color = fg;
    Chart.defaults.font.family = themeColor('--vscode-font-family', 'sans-serif');
    const dataset = (label: string, color: string, line: boolean): ChartDataset<'line', ChartPoint[]> => ({
      label,
      data: [],
      borderColor: color,
      backgroundColor: color,
      borderWidth: line ? 1.5 : 0,
      pointRadius: line ? 0 : 4,
      pointHoverRadius: line ? 3 : 6,
      showLine: line,
      indexAxis: 'x',
    });
    this.chart = new Chart<'line', ChartPoint[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          dataset('training loss', themeColor('--vscode-charts-blue', '#3794ff'), true),
          dataset('eval loss (base model)', themeColor('--vscode-charts-orange', '#d18616'), false),
          dataset('eval loss (fine-tuned)', themeColor('--vscode-charts-green', '#89d185'), false),
        ],
      },
      options: {
        animation: false,
        parsing: false, // points are {x, y} already; required by decimation
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'step' }, grid: { color: grid }, ticks: { precision: 0 } },
          y: { type: 'linear', title: { display: true, text: 'loss' }, grid: { color: grid } },
        },
        plugins: {
          decimation: { enabled: true, algorithm: 'lttb', samples: 1000, threshold: 2000 },
          legend: { position: 'bottom' },
        },
      },
    });
    this.markPoints();
  }

  /** Replaces every series. */
  setSeries(loss: readonly ChartPoint[], base: readonly ChartPoint[], tuned: readonly ChartPoint[]): void {
    this.series = [loss.slice(), base.slice(), tuned.slice()];
    this.scheduleUpdate();
  }

  /** Appends points; repaints at most once per animation frame however many events arrive. */
  append(loss: readonly ChartPoint[], base: readonly ChartPoint[], tuned: readonly ChartPoint[]): void {
    this.series[0].push(...loss);
    this.series[1].push(...base);
    this.series[2].push(...tuned);
    this.scheduleUpdate();
  }

  clear(): void {
    this.setSeries([], [], []);
  }

  private scheduleUpdate(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      // Decimation swaps dataset.data for its own sample, so the full series live here and are handed over
      // (its setter keeps them as the source) on every repaint.
      this.chart.data.datasets.forEach((d, i) => { d.data = this.series[i]; });
      this.chart.update('none');
      this.markPoints();
    });
  }

  private markPoints(): void {
    const [loss, base, tuned] = this.series;
    this.canvas.dataset.points = String(loss.length);
    this.canvas.dataset.evalPoints = String(base.length + tuned.length);
  }
}
