/**
 * Side-by-side benchmark harness: every contender of a case runs in the same process, in
 * interleaved rounds (A B C, B C A, ...), and the table reports medians and ratios to purertc.
 */
import { performance } from "node:perf_hooks";

/** One operation; returns a promise when it is asynchronous. */
export type Op = () => unknown;

/** Prepares a contender (outside the timed region) and returns its operation. */
export type Setup = () => Op | Promise<Op>;

/** A throughput case: operations per second (optionally scaled to bytes or packets). */
export interface ThroughputCase {
  readonly kind?: "throughput";
  readonly name: string;
  /** What one op counts for in the report, e.g. 1 packet, or 16384 bytes (see `unit`). */
  readonly perOp?: number;
  /** `"ops/s"` (default), `"MB/s"` (perOp = bytes) or another unit label (perOp = count). */
  readonly unit?: string;
  readonly contenders: Readonly<Record<string, Setup>>;
}

/** A latency case: each call of the op yields one sample in milliseconds. */
export interface SamplesCase {
  readonly kind: "samples";
  readonly name: string;
  readonly samples?: number;
  /** What a sample measures, lower is better (default `"ms"`, e.g. `"KiB/peer"`). */
  readonly unit?: string;
  readonly contenders: Readonly<
    Record<string, () => (() => Promise<number>) | Promise<() => Promise<number>>>
  >;
}

export type BenchCase = ThroughputCase | SamplesCase;

export interface BenchDefinition {
  readonly name: string;
  readonly cases: readonly BenchCase[];
}

export function defineBench(def: BenchDefinition): BenchDefinition {
  return def;
}

export interface RunOptions {
  readonly rounds: number;
  readonly roundMs: number;
  readonly warmupMs: number;
}

export interface ContenderResult {
  readonly contender: string;
  readonly value?: number;
  readonly p90?: number;
  readonly p99?: number;
  readonly rounds?: number[];
  readonly unit: string;
  readonly ratio?: number;
  readonly error?: string;
}

export interface CaseResult {
  readonly bench: string;
  readonly case: string;
  readonly higherIsBetter: boolean;
  readonly results: ContenderResult[];
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

async function timeBatch(op: Op, isAsync: boolean, ms: number): Promise<number> {
  let n = 0;
  let batch = 1;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    if (isAsync) for (let i = 0; i < batch; i++) await op();
    else for (let i = 0; i < batch; i++) op();
    n += batch;
    elapsed = performance.now() - start;
    if (elapsed < ms / 10) batch *= 2;
  }
  return (n * 1000) / elapsed;
}

async function prepare(setup: Setup): Promise<{ op: Op; isAsync: boolean }> {
  const op = await setup();
  const first = op();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  return { op, isAsync };
}

function rotate<T>(xs: readonly T[], k: number): T[] {
  return xs.map((_, i) => xs[(i + k) % xs.length]!);
}

async function runThroughput(bench: string, c: ThroughputCase, o: RunOptions): Promise<CaseResult> {
  const names = Object.keys(c.contenders);
  const ready = new Map<string, { op: Op; isAsync: boolean }>();
  const errors = new Map<string, string>();
  for (const name of names) {
    try {
      const p = await prepare(c.contenders[name]!);
      await timeBatch(p.op, p.isAsync, o.warmupMs);
      ready.set(name, p);
    } catch (e) {
      errors.set(name, e instanceof Error ? e.message : String(e));
    }
  }
  const samples = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let r = 0; r < o.rounds; r++) {
    for (const name of rotate([...ready.keys()], r)) {
      const p = ready.get(name)!;
      (globalThis as { gc?: () => void }).gc?.();
      samples.get(name)!.push(await timeBatch(p.op, p.isAsync, o.roundMs));
    }
  }
  const perOp = c.perOp ?? 1;
  const unit = c.unit ?? "ops/s";
  const scale = unit === "MB/s" ? perOp / 1e6 : perOp;
  const results = names.map((contender): ContenderResult => {
    const err = errors.get(contender);
    if (err) return { contender, unit, error: err };
    const rounds = samples.get(contender)!.map((x) => x * scale);
    return { contender, unit, value: median(rounds), rounds };
  });
  return withRatios(bench, c.name, results, true);
}

async function runSamples(bench: string, c: SamplesCase): Promise<CaseResult> {
  const names = Object.keys(c.contenders);
  const ops = new Map<string, () => Promise<number>>();
  const errors = new Map<string, string>();
  for (const name of names) {
    try {
      ops.set(name, await c.contenders[name]!());
    } catch (e) {
      errors.set(name, e instanceof Error ? e.message : String(e));
    }
  }
  const total = c.samples ?? 30;
  const samples = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let i = 0; i < total; i++) {
    for (const name of rotate([...ops.keys()], i)) {
      try {
        samples.get(name)!.push(await ops.get(name)!());
      } catch (e) {
        errors.set(name, e instanceof Error ? e.message : String(e));
        ops.delete(name);
      }
    }
  }
  const results = names.map((contender): ContenderResult => {
    const s = samples.get(contender)!;
    const err = errors.get(contender);
    if (err && s.length === 0) return { contender, unit: c.unit ?? "ms", error: err };
    return {
      contender,
      unit: c.unit ?? "ms",
      value: median(s),
      p90: quantile(s, 0.9),
      p99: quantile(s, 0.99),
      rounds: s,
    };
  });
  return withRatios(bench, c.name, results, false);
}

function withRatios(
  bench: string,
  name: string,
  results: ContenderResult[],
  higherIsBetter: boolean,
): CaseResult {
  const ours = results.find((r) => r.contender === "purertc")?.value;
  const withRatio = results.map((r) =>
    ours === undefined || r.value === undefined
      ? r
      : { ...r, ratio: higherIsBetter ? ours / r.value : r.value / ours },
  );
  return { bench, case: name, higherIsBetter, results: withRatio };
}

export async function runCase(bench: string, c: BenchCase, o: RunOptions): Promise<CaseResult> {
  return c.kind === "samples" ? runSamples(bench, c) : runThroughput(bench, c, o);
}

function fmt(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  if (x >= 100) return x.toFixed(0);
  return x.toPrecision(3);
}

/**
 * A text table: one row per contender. `× purertc` is how many times better purertc is
 * (higher throughput or lower latency); above 1 means purertc wins.
 */
export function formatCase(r: CaseResult): string {
  const lines = [`${r.bench} / ${r.case}`];
  for (const x of r.results) {
    const head = `  ${x.contender.padEnd(18)}`;
    if (x.error) {
      lines.push(`${head}unavailable: ${x.error.split("\n")[0]}`);
      continue;
    }
    const tail = x.p99 !== undefined ? `  p90 ${fmt(x.p90!)}  p99 ${fmt(x.p99)}` : "";
    const ratio =
      x.contender === "purertc" || x.ratio === undefined ? "" : `  purertc ×${x.ratio.toFixed(2)}`;
    lines.push(`${head}${fmt(x.value!).padStart(9)} ${x.unit}${tail}${ratio}`);
  }
  return lines.join("\n");
}
