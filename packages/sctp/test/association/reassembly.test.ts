import { Fifo } from "@purertc/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReassemblyQueue } from "../../src/association/reassembly.js";
import type { SctpEvent } from "../../src/events.js";

const E = 1;
const B = 2;
const U = 4;

interface Frag {
  readonly tsn: number;
  readonly fsn: number;
  readonly flags: number;
  readonly payload: Uint8Array;
}

/** `msg` cut into chunks of at most `size` bytes, TSNs from `tsn0` (DATA, RFC 9260 §6.9). */
function fragments(msg: Uint8Array, size: number, tsn0: number, extra = 0): Frag[] {
  const out: Frag[] = [];
  for (let o = 0, i = 0; o < msg.byteLength; o += size, i++) {
    const end = Math.min(o + size, msg.byteLength);
    const flags = (o === 0 ? B : 0) | (end === msg.byteLength ? E : 0) | extra;
    out.push({ tsn: (tsn0 + i) >>> 0, fsn: i, flags, payload: msg.slice(o, end) });
  }
  return out;
}

function message(n: number, seed: number): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = 0; i < n; i++) m[i] = (i * 31 + seed) & 0xff;
  return m;
}

function delivered(events: Fifo<SctpEvent>): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let e = events.shift(); e; e = events.shift()) if (e.type === "message") out.push(e.data);
  return out;
}

describe("ReassemblyQueue (RFC 9260 §6.9)", () => {
  it("fragments arriving in order are delivered in a buffer of exactly the message's size (what a data channel hands over as its ArrayBuffer without a copy)", () => {
    const events = new Fifo<SctpEvent>();
    const q = new ReassemblyQueue(events, 1 << 20);
    let tsn = 100;
    for (let ssn = 0; ssn < 3; ssn++) {
      const msg = message(16384, ssn);
      for (const f of fragments(msg, 1172, tsn)) {
        q.add(f.tsn, 1, ssn, 0, 53, f.flags, f.payload);
        tsn++;
      }
      const [got] = delivered(events);
      expect(got).toEqual(msg);
      expect(got!.byteOffset).toBe(0);
      expect(got!.buffer.byteLength).toBe(16384);
    }
    expect(q.bytes).toBe(0);
  });

  it("a message larger than the guessed buffer grows it and arrives intact", () => {
    const events = new Fifo<SctpEvent>();
    const q = new ReassemblyQueue(events, 1 << 20);
    const small = message(3000, 1);
    const large = message(60_000, 2);
    let tsn = 1;
    for (const f of fragments(small, 1000, tsn)) q.add(tsn++, 0, 0, 0, 53, f.flags, f.payload);
    for (const f of fragments(large, 1000, tsn)) q.add(tsn++, 0, 1, 0, 53, f.flags, f.payload);
    expect(delivered(events)).toEqual([small, large]);
  });

  it("fragments out of order (middle before first, end before middle) fall back to copies and reassemble by position", () => {
    const events = new Fifo<SctpEvent>();
    const q = new ReassemblyQueue(events, 1 << 20);
    const msg = message(5000, 3);
    const f = fragments(msg, 1000, 50);
    // f0 f1 start the run; f3 and f4 wait apart; f2 continues the run and completes the message.
    for (const i of [0, 1, 3, 4, 2]) q.add(f[i]!.tsn, 2, 0, 0, 53, f[i]!.flags, f[i]!.payload);
    expect(delivered(events)).toEqual([msg]);
    // Middle fragment first: no run at all.
    const msg2 = message(4000, 4);
    const g = fragments(msg2, 1000, 55);
    for (const i of [2, 0, 3, 1]) q.add(g[i]!.tsn, 2, 1, 0, 53, g[i]!.flags, g[i]!.payload);
    expect(delivered(events)).toEqual([msg2]);
    expect(q.bytes).toBe(0);
  });

  it("the PPID of a message is that of its first fragment (I-DATA middle fragments carry an FSN there)", () => {
    const events = new Fifo<SctpEvent>();
    const q = new ReassemblyQueue(events, 1 << 20);
    q.interleaved = true;
    const msg = message(3000, 5);
    const f = fragments(msg, 1000, 1);
    for (const i of [1, 2, 0])
      q.add(f[i]!.tsn, 0, 0, f[i]!.fsn, i === 0 ? 51 : i, f[i]!.flags, f[i]!.payload);
    const e = events.shift();
    expect(e?.type === "message" && e.ppid).toBe(51);
  });

  it("a peer opening many messages at once cannot make the guessed run buffers exceed the budget (4 largest messages) beyond what arrived", () => {
    const events = new Fifo<SctpEvent>();
    const maxMessage = 65536;
    const q = new ReassemblyQueue(events, maxMessage);
    let tsn = 1;
    // One complete 60 kB message makes the next guesses 16 first fragments large.
    for (const f of fragments(message(60_000, 1), 1000, tsn))
      q.add(tsn++, 0, 0, 0, 53, f.flags, f.payload);
    expect(delivered(events)).toHaveLength(1);
    for (let ssn = 1; ssn <= 300; ssn++) q.add(tsn++, 0, ssn, 0, 53, B, new Uint8Array(1000));
    expect(q.bytes).toBe(300_000);
    expect(q.runBytes).toBeLessThanOrEqual(4 * maxMessage + 300_000);
    // Skipping them (FORWARD TSN) releases every run.
    q.forgetUpTo(tsn);
    expect(q.bytes).toBe(0);
    expect(q.runBytes).toBe(0);
  });

  it("the caller's bytes are never kept: overwriting them after add() changes nothing delivered", () => {
    const events = new Fifo<SctpEvent>();
    const q = new ReassemblyQueue(events, 1 << 20);
    const msg = message(3000, 6);
    for (const f of fragments(msg, 1000, 7)) {
      q.add(f.tsn, 0, 0, 0, 53, f.flags, f.payload);
      f.payload.fill(0);
    }
    expect(delivered(events)).toEqual([msg]);
  });

  it("property: any fragmentation, any arrival order, ordered or unordered, DATA or I-DATA — every message arrives intact and nothing stays held", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 1500 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.infiniteStream(fc.nat()),
        (sizes, chunk, unordered, interleaved, tsn0, rand) => {
          const events = new Fifo<SctpEvent>();
          const q = new ReassemblyQueue(events, 1 << 20);
          q.interleaved = interleaved;
          const msgs = sizes.map((n, i) => message(n, i));
          const all: { f: Frag; seq: number }[] = [];
          let tsn = tsn0;
          msgs.forEach((m, seq) => {
            for (const f of fragments(m, chunk, tsn, unordered ? U : 0)) all.push({ f, seq });
            tsn = (tsn + Math.ceil(m.byteLength / chunk)) >>> 0;
          });
          const it = rand[Symbol.iterator]();
          for (let i = all.length - 1; i > 0; i--) {
            const j = (it.next().value as number) % (i + 1);
            [all[i], all[j]] = [all[j]!, all[i]!];
          }
          for (const { f, seq } of all) q.add(f.tsn, 3, seq, f.fsn, 53, f.flags, f.payload);
          const got = delivered(events);
          const sortKey = (a: Uint8Array) =>
            msgs.findIndex((m) => m.byteLength === a.byteLength && m[0] === a[0]);
          if (unordered) got.sort((a, b) => sortKey(a) - sortKey(b));
          expect(got).toEqual(msgs);
          expect(q.bytes).toBe(0);
          expect(q.runBytes).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
