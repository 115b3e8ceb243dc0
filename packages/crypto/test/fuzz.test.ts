import { createCipheriv } from "node:crypto";
import { toHex } from "@purertc/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROVIDERS } from "./providers.js";

/** Counter blocks biased towards the 2^32, 2^64 and 2^128 carry boundaries. */
const counterBlock = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  fc
    .tuple(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.integer({ min: 0, max: 300 }))
    .map(([head, back]) => {
      const iv = new Uint8Array(16);
      iv.set(head);
      new DataView(iv.buffer).setUint32(12, 0xffffffff - back);
      return iv;
    }),
  fc
    .tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 300 }))
    .map(([head, back]) => {
      const iv = new Uint8Array(16).fill(0xff);
      iv.set(head);
      iv[15] = 0xff - Math.min(back, 0xff);
      return iv;
    }),
  fc.integer({ min: 0, max: 300 }).map((back) => {
    const iv = new Uint8Array(16).fill(0xff);
    iv[15] = 0xff - Math.min(back, 0xff);
    return iv;
  }),
);

const aesKey = fc
  .constantFrom(16, 24, 32)
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

function oneShotCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): string {
  const c = createCipheriv(`aes-${key.length * 8}-ctr`, key, iv);
  return toHex(new Uint8Array(Buffer.concat([c.update(data), c.final()])));
}

describe.each(PROVIDERS)("%s: properties", (_name, p) => {
  it("AesCtrContext.xor equals OpenSSL one-shot aes-ctr, across counter carries", () => {
    fc.assert(
      fc.property(aesKey, counterBlock, fc.uint8Array({ maxLength: 9000 }), (key, iv, data) => {
        const ctx = p.createAesCtr(key);
        const out = new Uint8Array(data.length);
        ctx.xor(iv, data, out);
        expect(toHex(out)).toBe(oneShotCtr(key, iv, data));
        expect(toHex(ctx.keystream(iv, data.length))).toBe(
          oneShotCtr(key, iv, new Uint8Array(data.length)),
        );
      }),
      { numRuns: 150 },
    );
  });

  it("AesCtrContext.keystreamRuns equals one-shot aes-ctr per run, runs concatenated", () => {
    fc.assert(
      fc.property(
        aesKey,
        fc.array(counterBlock, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 80 }),
        (key, ivs, blocks) => {
          const all = new Uint8Array(ivs.length * 16);
          for (const [r, iv] of ivs.entries()) all.set(iv, r * 16);
          const got = p.createAesCtr(key).keystreamRuns(all, blocks);
          expect(got.length).toBe(ivs.length * blocks * 16);
          ivs.forEach((iv, r) => {
            const run = got.subarray(r * blocks * 16, (r + 1) * blocks * 16);
            expect(toHex(run)).toBe(oneShotCtr(key, iv, new Uint8Array(blocks * 16)));
          });
        },
      ),
      { numRuns: 100 },
    );
    const ctx = p.createAesCtr(new Uint8Array(16));
    expect(() => ctx.keystreamRuns(new Uint8Array(15), 1)).toThrow(RangeError);
    expect(() => ctx.keystreamRuns(new Uint8Array(16), 0)).toThrow(RangeError);
  });

  it("AesCtrContext.xor works in place and on unaligned views of a larger buffer", () => {
    fc.assert(
      fc.property(
        aesKey,
        counterBlock,
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 0, max: 7 }),
        (key, iv, data, shift) => {
          const ctx = p.createAesCtr(key);
          const expected = oneShotCtr(key, iv, data);
          const backing = new Uint8Array(data.length + 8);
          const view = backing.subarray(shift, shift + data.length);
          view.set(data);
          ctx.xor(iv, view, view);
          expect(toHex(view)).toBe(expected);
          const dst = new Uint8Array(data.length + 8).subarray(7 - shift, 7 - shift + data.length);
          ctx.xor(iv, data, dst);
          expect(toHex(dst)).toBe(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("AEAD seal/open round trip; both backends produce identical output", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("aes-128-gcm", "aes-256-gcm", "chacha20-poly1305" as const),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 2000 }),
        fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
        (alg, key32, nonce, plaintext, aad) => {
          const key = alg === "aes-128-gcm" ? key32.subarray(0, 16) : key32;
          const sealed = p.createAead(alg, key).seal(nonce, plaintext, aad);
          expect(sealed.length).toBe(plaintext.length + 16);
          for (const [, other] of PROVIDERS) {
            const ctx = other.createAead(alg, key);
            expect(toHex(ctx.seal(nonce, plaintext, aad))).toBe(toHex(sealed));
            expect(toHex(ctx.open(nonce, sealed, aad) ?? Uint8Array.of(0xde, 0xad))).toBe(
              toHex(plaintext),
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("AEAD sealInto/openInto write at an offset exactly what seal/open return", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("aes-128-gcm", "aes-256-gcm", "chacha20-poly1305" as const),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 1500 }),
        fc.nat(20),
        (alg, key32, nonce, plaintext, offset) => {
          const ctx = p.createAead(alg, alg === "aes-128-gcm" ? key32.subarray(0, 16) : key32);
          const aad = nonce.subarray(0, 5);
          const sealed = ctx.seal(nonce, plaintext, aad);
          const out = new Uint8Array(offset + sealed.length + 3).fill(0xaa);
          expect(ctx.sealInto(nonce, plaintext, aad, out, offset)).toBe(sealed.length);
          expect(toHex(out.subarray(offset, offset + sealed.length))).toBe(toHex(sealed));
          expect(out[offset - 1] ?? 0xaa).toBe(0xaa);
          expect(out[offset + sealed.length]).toBe(0xaa);
          const plain = new Uint8Array(offset + plaintext.length);
          expect(ctx.openInto(nonce, sealed, aad, plain, offset)).toBe(plaintext.length);
          expect(toHex(plain.subarray(offset))).toBe(toHex(plaintext));
          const forged = sealed.slice();
          forged[forged.length - 1]! ^= 1;
          const untouched = new Uint8Array(offset + plaintext.length).fill(7);
          expect(ctx.openInto(nonce, forged, aad, untouched, offset)).toBe(-1);
          expect(untouched.every((b) => b === 7)).toBe(true);
          expect(() =>
            ctx.sealInto(nonce, plaintext, aad, new Uint8Array(plaintext.length + 15), 0),
          ).toThrow(RangeError);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("HMAC and hashes agree between backends on random input", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("sha1", "sha256", "sha384", "sha512" as const),
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 3000 }),
        (alg, key, data) => {
          const [[, a], [, b]] = PROVIDERS as [[string, typeof p], [string, typeof p]];
          expect(toHex(a.hmac(alg, key, data))).toBe(toHex(b.hmac(alg, key, data)));
          expect(toHex(a.hash(alg, data))).toBe(toHex(b.hash(alg, data)));
          expect(toHex(p.createHmac(alg, key).compute(data.subarray(0, 7), data.subarray(7)))).toBe(
            toHex(a.hmac(alg, key, data)),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("ecdsaVerify and rsaVerify never throw on random signature bytes", () => {
    const kp = p.generateEcdsaKeyPair("P-256");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (sig) => {
        expect(p.ecdsaVerify("P-256", kp.publicKey, "sha256", sig, sig)).toBe(false);
        expect(
          p.rsaVerify("pkcs1", { n: sig, e: Uint8Array.of(1, 0, 1) }, "sha256", sig, sig),
        ).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
