import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeSaltedIndex } from "../src/bytes.js";
import { KeystreamCache, PREFETCH_PACKETS } from "../src/keystream-cache.js";
import { PROVIDERS } from "./providers.js";

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1);
const SALT = Uint8Array.from({ length: 14 }, (_, i) => 0xf0 ^ i);

/** The RFC 3711 §4.1.1 counter block of packet `index` of `ssrc`. */
function counterBlock(ssrc: number, index: number): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(SALT);
  writeSaltedIndex(iv, SALT, 4, ssrc, Math.floor(index / 0x100000000), index >>> 0);
  return iv;
}

/** A packet visit: stream, 48-bit index, payload length, offset of the payload in its buffer. */
const visit = fc.record({
  ssrc: fc.constantFrom(0x11111111, 0x22222222, 0xdeadbeef),
  step: fc.oneof(
    { weight: 6, arbitrary: fc.constant(1) },
    { weight: 2, arbitrary: fc.integer({ min: -20, max: 20 }) },
    { weight: 1, arbitrary: fc.integer({ min: -40_000, max: 40_000 }) },
  ),
  length: fc.oneof(fc.integer({ min: 0, max: 1600 }), fc.constantFrom(1000, 160, 1184, 15, 16, 17)),
  offset: fc.integer({ min: 0, max: 15 }),
});

describe.each(PROVIDERS)("%s: KeystreamCache (AES-CM keystream prefetch)", (_name, crypto) => {
  it("every packet gets exactly its own counter run's keystream: sequential, reordered, gaps, size changes, several SSRCs", () => {
    fc.assert(
      fc.property(
        fc.array(visit, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 0, max: 2 ** 48 - 100_000 }),
        (visits, start) => {
          const ctr = crypto.createAesCtr(KEY);
          const reference = crypto.createAesCtr(KEY);
          const cache = new KeystreamCache(ctr, SALT);
          const next = new Map<number, number>();
          for (const v of visits) {
            const prev = next.get(v.ssrc) ?? start;
            const index = Math.min(2 ** 48 - 1, Math.max(0, prev + v.step));
            next.set(v.ssrc, index);
            const buf = new Uint8Array(v.offset + v.length + 3).map((_, i) => (i * 31) & 0xff);
            const want = buf.slice(v.offset, v.offset + v.length);
            reference.xor(counterBlock(v.ssrc, index), want, want);
            // Alternately in place and into a separate output.
            const out = v.step % 2 === 0 ? buf : new Uint8Array(buf.length);
            const from = v.offset;
            const to = v.offset + v.length;
            cache.xor(v.ssrc, index, counterBlock(v.ssrc, index), buf, out, from, to);
            expect(Buffer.from(out.subarray(from, to)).equals(want)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it(`one backend call serves ${PREFETCH_PACKETS} sequential packets; a reordered older packet does not refill`, () => {
    const ctr = crypto.createAesCtr(KEY);
    let calls = 0;
    const counting = {
      keyLength: 16,
      xor: (iv: Uint8Array, i: Uint8Array, o: Uint8Array) => {
        calls++;
        ctr.xor(iv, i, o);
      },
      keystream: (iv: Uint8Array, n: number) => ctr.keystream(iv, n),
      keystreamRuns: (ivs: Uint8Array, blocks: number) => {
        calls++;
        return ctr.keystreamRuns(ivs, blocks);
      },
    };
    const cache = new KeystreamCache(counting, SALT);
    const buf = new Uint8Array(1000);
    for (let i = 100; i < 100 + 3 * PREFETCH_PACKETS; i++)
      cache.xor(7, i, counterBlock(7, i), buf, buf, 0, 1000);
    expect(calls).toBe(3);
    cache.xor(7, 99, counterBlock(7, 99), buf, buf, 0, 1000); // older than the cached range
    expect(calls).toBe(4);
    cache.xor(7, 100 + 3 * PREFETCH_PACKETS - 1, counterBlock(7, 0), buf, buf, 0, 1000); // still cached
    expect(calls).toBe(4);
  });
});
