import { createHmac } from "node:crypto";
import { toHex } from "@purertc/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Sha1Hmac } from "../src/sha1-hmac.js";

describe("Sha1Hmac (JavaScript HMAC-SHA1 with precomputed states)", () => {
  it("RFC 2202 §3 test cases 1, 6 and 7 (keys of 20 and 80 bytes)", () => {
    const mac = (key: Uint8Array, data: string) =>
      toHex(new Sha1Hmac(key).compute(new TextEncoder().encode(data)));
    expect(mac(new Uint8Array(20).fill(0x0b), "Hi There")).toBe(
      "b617318655057264e28bc0b6fb378c8ef146be00",
    );
    const k80 = new Uint8Array(80).fill(0xaa);
    expect(mac(k80, "Test Using Larger Than Block-Size Key - Hash Key First")).toBe(
      "aa4ae5e15272d00e95705637ce8a3b55ed402112",
    );
    expect(
      mac(k80, "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
    ).toBe("e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
  });

  it("equals OpenSSL for any key, any length (incl. 55/56/64-byte padding edges) and any split into 3 parts", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 50, max: 70 }).map((n) => new Uint8Array(n).fill(n)),
        ),
        fc.nat(300),
        fc.nat(300),
        (key, data, s1, s2) => {
          const ctx = new Sha1Hmac(key);
          const i = Math.min(s1, data.length);
          const j = Math.min(i + s2, data.length);
          const want = createHmac("sha1", key).update(data).digest("hex");
          expect(
            toHex(ctx.compute(data.subarray(0, i), data.subarray(i, j), data.subarray(j))),
          ).toBe(want);
          expect(toHex(ctx.compute(data))).toBe(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("incremental use over ranges (reset, update(data, start, end), digestInto, matches) equals OpenSSL and allocates no view", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(300),
        fc.nat(300),
        fc.integer({ min: 1, max: 20 }),
        (key, data, s1, s2, tagLength) => {
          const ctx = new Sha1Hmac(key);
          const i = Math.min(s1, data.length);
          const j = Math.min(i + s2, data.length);
          const want = createHmac("sha1", key).update(data.subarray(i, j)).digest();
          const out = new Uint8Array(24);
          ctx
            .reset()
            .update(data, i, Math.min(i + 7, j))
            .update(data, Math.min(i + 7, j), j);
          ctx.digestInto(out, 3);
          expect(toHex(out.subarray(3, 23))).toBe(want.toString("hex"));
          const tag = new Uint8Array(want);
          expect(ctx.reset().update(data, i, j).matches(tag, 0, tagLength)).toBe(true);
          tag[tagLength - 1]! ^= 1;
          expect(ctx.reset().update(data, i, j).matches(tag, 0, tagLength)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects ranges and tag positions outside the arrays", () => {
    const ctx = new Sha1Hmac(new Uint8Array(16));
    expect(() => ctx.reset().update(new Uint8Array(4), 2, 5)).toThrow(RangeError);
    expect(() => ctx.reset().update(new Uint8Array(4), 3, 2)).toThrow(RangeError);
    expect(() => ctx.reset().digestInto(new Uint8Array(20), 1)).toThrow(RangeError);
    expect(ctx.reset().matches(new Uint8Array(20), 1, 20)).toBe(false);
    expect(ctx.reset().matches(new Uint8Array(20), 0, 0)).toBe(false);
  });
});
