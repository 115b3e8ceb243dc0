import { formatSocketAddress, type Millis, type SocketAddress } from "@purertc/common";
import type { DropReason } from "./link.js";

/** One line of a driver's trace. */
export type TraceEntry =
  | {
      readonly kind: "sent" | "delivered" | "dropped";
      readonly at: Millis;
      readonly from: SocketAddress;
      readonly to: SocketAddress;
      readonly bytes: number;
      readonly reason?: DropReason;
    }
  | { readonly kind: "timeout"; readonly at: Millis; readonly endpoint: string }
  | {
      readonly kind: "event";
      readonly at: Millis;
      readonly endpoint: string;
      readonly event: unknown;
    }
  | { readonly kind: "note"; readonly at: Millis; readonly text: string };

/** A fixed-size ring of the most recent trace entries (older ones are forgotten). */
export class TraceRing {
  readonly #items: (TraceEntry | undefined)[];
  #next = 0;
  #total = 0;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`trace capacity must be ≥ 1, got ${capacity}`);
    this.#items = new Array(capacity);
  }

  /** How many entries were ever pushed. */
  get total(): number {
    return this.#total;
  }

  push(e: TraceEntry): void {
    this.#items[this.#next] = e;
    this.#next = (this.#next + 1) % this.#items.length;
    this.#total++;
  }

  /** The last `n` entries, oldest first. */
  last(n: number): TraceEntry[] {
    const cap = this.#items.length;
    const count = Math.min(n, this.#total, cap);
    const out: TraceEntry[] = [];
    for (let i = count; i > 0; i--) out.push(this.#items[(this.#next - i + cap) % cap]!);
    return out;
  }
}

/** A short, deterministic rendering of any value (bytes as length + hex head, depth-limited). */
export function formatValue(v: unknown, depth = 0): string {
  if (v instanceof Uint8Array) {
    let hex = "";
    for (let i = 0; i < Math.min(v.byteLength, 8); i++) hex += v[i]!.toString(16).padStart(2, "0");
    return `<${v.byteLength} B ${hex}${v.byteLength > 8 ? "…" : ""}>`;
  }
  if (typeof v === "string") return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (typeof v === "bigint") return `${v}n`;
  if (v === null || typeof v !== "object") return String(v);
  if (depth >= 3) return Array.isArray(v) ? "[…]" : "{…}";
  if (Array.isArray(v)) {
    const items = v.slice(0, 8).map((x) => formatValue(x, depth + 1));
    return `[${items.join(", ")}${v.length > 8 ? `, … ${v.length - 8} more` : ""}]`;
  }
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  const parts = Object.entries(v)
    .slice(0, 12)
    .map(([k, x]) => `${k}: ${formatValue(x, depth + 1)}`);
  return `{ ${parts.join(", ")} }`;
}

/** One trace entry as a line; `nameOf` turns an address into an endpoint name when known. */
export function formatTraceEntry(
  e: TraceEntry,
  nameOf: (a: SocketAddress) => string | undefined,
): string {
  const t = `t=${e.at.toFixed(3).padStart(11)}`;
  const who = (a: SocketAddress): string => {
    const n = nameOf(a);
    return n ? `${n}(${formatSocketAddress(a)})` : formatSocketAddress(a);
  };
  switch (e.kind) {
    case "sent":
    case "delivered":
      return `${t} ${e.kind.padEnd(9)} ${who(e.from)} → ${who(e.to)} ${e.bytes} B`;
    case "dropped":
      return `${t} ${"dropped".padEnd(9)} ${who(e.from)} → ${who(e.to)} ${e.bytes} B (${e.reason})`;
    case "timeout":
      return `${t} ${"timeout".padEnd(9)} ${e.endpoint}`;
    case "event":
      return `${t} ${"event".padEnd(9)} ${e.endpoint}: ${formatValue(e.event)}`;
    case "note":
      return `${t} ${"note".padEnd(9)} ${e.text}`;
  }
}
