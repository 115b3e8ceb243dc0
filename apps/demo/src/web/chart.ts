/** A small line chart on a canvas: several series over the last `windowMs`, auto-scaled. */
import { h } from "./dom.js";

export interface Series {
  readonly name: string;
  readonly color: string;
  /** Dashed: the bot's side, solid: the browser's. */
  readonly dashed?: boolean;
  readonly points: { t: number; v: number }[];
}

const MAX_POINTS = 600;

export class LineChart {
  readonly element: HTMLElement;
  readonly #canvas: HTMLCanvasElement;
  readonly #series: Series[];
  readonly #unit: string;
  readonly #windowMs: number;

  constructor(title: string, unit: string, series: Omit<Series, "points">[], windowMs = 60_000) {
    this.#unit = unit;
    this.#windowMs = windowMs;
    this.#series = series.map((s) => ({ ...s, points: [] }));
    this.#canvas = h("canvas", { class: "chart-canvas" });
    const legend = h(
      "div",
      { class: "legend" },
      ...this.#series.map((s) =>
        h(
          "span",
          { class: "legend-item" },
          h("i", {
            class: s.dashed ? "swatch dashed" : "swatch",
            attrs: { style: `--c:${s.color}` },
          }),
          s.name,
        ),
      ),
    );
    this.element = h(
      "figure",
      { class: "chart", testid: `chart-${title}` },
      h("figcaption", { text: `${title} (${unit})` }),
      this.#canvas,
      legend,
    );
  }

  /** Adds a point to series `index` (time in ms). */
  push(index: number, t: number, v: number): void {
    const s = this.#series[index];
    if (!s || !Number.isFinite(v)) return;
    s.points.push({ t, v });
    if (s.points.length > MAX_POINTS) s.points.shift();
    this.element.dataset[`points${index}`] = String(s.points.length);
  }

  /** Points held by series `index` (tests read the same number from data attributes). */
  count(index: number): number {
    return this.#series[index]?.points.length ?? 0;
  }

  draw(now: number): void {
    const c = this.#canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const hgt = c.clientHeight;
    if (w === 0 || hgt === 0) return;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(hgt * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(hgt * dpr);
    }
    const g = c.getContext("2d");
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    const left = 44;
    const right = 8;
    const top = 8;
    const bottom = 18;
    const from = now - this.#windowMs;
    let max = 0;
    for (const s of this.#series)
      for (const p of s.points) if (p.t >= from) max = Math.max(max, p.v);
    const yMax = niceCeil(max);
    const x = (t: number) => left + ((t - from) / this.#windowMs) * (w - left - right);
    const y = (v: number) => top + (1 - v / yMax) * (hgt - top - bottom);
    const css = getComputedStyle(c);
    g.font = `11px ${css.fontFamily}`;
    g.fillStyle = css.getPropertyValue("--muted") || "#64748b";
    g.strokeStyle = css.getPropertyValue("--grid") || "#e2e8f0";
    g.lineWidth = 1;
    g.textAlign = "right";
    g.textBaseline = "middle";
    for (let i = 0; i <= 4; i++) {
      const v = (yMax * i) / 4;
      const yy = Math.round(y(v)) + 0.5;
      g.beginPath();
      g.moveTo(left, yy);
      g.lineTo(w - right, yy);
      g.stroke();
      g.fillText(short(v), left - 6, yy);
    }
    g.textAlign = "center";
    g.textBaseline = "alphabetic";
    for (let s = 0; s <= this.#windowMs / 1000; s += 15) {
      g.textAlign = s === 0 ? "right" : "center";
      g.fillText(s === 0 ? "now" : `-${s}s`, x(now - s * 1000), hgt - 4);
    }
    g.textAlign = "center";
    g.lineWidth = 1.75;
    for (const s of this.#series) {
      const pts = s.points.filter((p) => p.t >= from - 2000);
      if (pts.length === 0) continue;
      g.strokeStyle = s.color;
      g.setLineDash(s.dashed ? [5, 3] : []);
      g.beginPath();
      for (const [i, p] of pts.entries()) {
        if (i === 0) g.moveTo(x(p.t), y(p.v));
        else g.lineTo(x(p.t), y(p.v));
      }
      g.stroke();
    }
    g.setLineDash([]);
    if (max === 0) {
      g.textAlign = "center";
      g.fillText(
        this.#series.some((s) => s.points.length > 0) ? `0 ${this.#unit}` : "waiting for data…",
        (left + w) / 2,
        hgt / 2,
      );
    }
  }
}

function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 6, 8, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function short(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return v >= 10 ? v.toFixed(0) : String(+v.toFixed(2));
}
