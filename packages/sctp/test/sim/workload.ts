import { seededRng } from "@purertc/common";
import type { SctpAssociation } from "../../src/association/association.js";
import type { SctpEvent } from "../../src/events.js";

/** A pool of random bytes: ordered messages are views into it, so checking them is exact and cheap. */
const POOL_SIZE = 1 << 20;

/** Deterministic mixed-size workload: 1 B … 256 KiB, text/binary PPIDs, ordered and unordered streams. */
export class Workload {
  readonly pool: Uint8Array;
  readonly #streams: number;
  readonly #unorderedStreams: number;
  readonly #sent: number[];
  readonly #received: number[];
  readonly #unorderedSeen: Set<number>[];
  readonly #rng = seededRng(99);
  bytesQueued = 0;
  bytesReceived = 0;
  messagesReceived = 0;
  errors: string[] = [];

  constructor(streams = 4, unorderedStreams = 1) {
    this.pool = seededRng(1234).fill(new Uint8Array(POOL_SIZE));
    this.#streams = streams;
    this.#unorderedStreams = unorderedStreams;
    this.#sent = new Array(streams).fill(0);
    this.#received = new Array(streams).fill(0);
    this.#unorderedSeen = Array.from({ length: streams }, () => new Set<number>());
  }

  /** Size of message `k` on stream `s`: mostly small, some large, a few up to 256 KiB. */
  static size(s: number, k: number): number {
    const r = seededRng(s * 1_000_003 + k).next();
    const u = seededRng(s * 7_919 + k * 31 + 5).next();
    if (r < 0.5) return 1 + Math.floor(u * 1000);
    if (r < 0.85) return 1000 + Math.floor(u * 15_384);
    if (r < 0.97) return 16_384 + Math.floor(u * 49_152);
    return 65_536 + Math.floor(u * (262_144 - 65_536));
  }

  static offset(s: number, k: number, len: number): number {
    return Math.floor(seededRng(s * 104_729 + k * 17 + 3).next() * (POOL_SIZE - len));
  }

  isUnordered(s: number): boolean {
    return s < this.#unorderedStreams;
  }

  /** Queues messages on `a` until `target` bytes were queued or `a` holds `window` bytes. */
  fill(a: SctpAssociation, now: number, target: number, window = 1 << 20): void {
    while (this.bytesQueued < target && a.totalBufferedAmount < window) {
      const s = Math.floor(this.#rng.next() * this.#streams);
      const k = this.#sent[s]!++;
      let len = Workload.size(s, k);
      let data: Uint8Array;
      if (this.isUnordered(s)) {
        len = Math.max(4, len);
        data = this.pool.slice(0, len);
        new DataView(data.buffer).setUint32(0, k);
        const off = Workload.offset(s, k, len);
        data.set(this.pool.subarray(off + 4, off + len), 4);
      } else {
        const off = Workload.offset(s, k, len);
        data = this.pool.subarray(off, off + len);
      }
      a.send(now, s, k % 2 ? 53 : 51, data, { unordered: this.isUnordered(s) });
      this.bytesQueued += len;
    }
  }

  /** Checks one delivered message: exact bytes, in order on ordered streams, exactly once. */
  check(e: SctpEvent): void {
    if (e.type !== "message") return;
    const s = e.streamId;
    this.messagesReceived++;
    this.bytesReceived += e.data.byteLength;
    let k: number;
    let expected: Uint8Array;
    if (this.isUnordered(s)) {
      k = new DataView(e.data.buffer, e.data.byteOffset, 4).getUint32(0);
      const len = Math.max(4, Workload.size(s, k));
      const off = Workload.offset(s, k, len);
      if (this.#unorderedSeen[s]!.has(k)) this.errors.push(`duplicate unordered ${s}/${k}`);
      this.#unorderedSeen[s]!.add(k);
      expected = this.pool.subarray(off + 4, off + len);
      if (!equal(e.data.subarray(4), expected)) this.errors.push(`bad bytes ${s}/${k}`);
    } else {
      k = this.#received[s]!++;
      const len = Workload.size(s, k);
      const off = Workload.offset(s, k, len);
      expected = this.pool.subarray(off, off + len);
      if (!equal(e.data, expected))
        this.errors.push(`bad bytes or order ${s}/${k} (len ${e.data.byteLength} vs ${len})`);
    }
    if (e.ppid !== (k % 2 ? 53 : 51)) this.errors.push(`bad ppid ${s}/${k}`);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
