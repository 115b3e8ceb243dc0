import { isDecodeError } from "@purertc/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeEcPrivateKey,
  encodeEcPrivateKeyPkcs8,
  generateCertificate,
  nobleCrypto,
  parseCertificate,
} from "../../src/index.js";

const cert = generateCertificate(nobleCrypto, { now: Date.UTC(2025, 0, 1) });
const key = encodeEcPrivateKeyPkcs8(cert.keyPair);

/** Runs `f`; passes when it returns or throws a DecodeError of `layer`, fails on any other throw. */
function onlyDecodeError(layer: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!isDecodeError(e, layer)) throw e;
  }
}

const mutate = (base: Uint8Array) =>
  fc
    .array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 6,
    })
    .chain((edits) =>
      fc.integer({ min: 0, max: base.length }).map((cut) => {
        const b = base.slice(0, Math.max(cut, 1));
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        return b;
      }),
    );

describe("decoders throw only DecodeError on hostile input", () => {
  it("parseCertificate on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) =>
        onlyDecodeError("x509", () => parseCertificate(b)),
      ),
      {
        numRuns: 2000,
      },
    );
  });

  it("parseCertificate on mutated and truncated real certificates", () => {
    fc.assert(
      fc.property(mutate(cert.der), (b) => onlyDecodeError("x509", () => parseCertificate(b))),
      { numRuns: 3000 },
    );
  });

  it("parseCertificate on DER-shaped random trees (valid TLVs, random contents)", () => {
    const tlv: fc.Memo<Uint8Array> = fc.memo((n) =>
      n <= 1
        ? fc
            .tuple(
              fc.constantFrom(0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x18, 0x1e),
              fc.uint8Array({ maxLength: 40 }),
            )
            .map(([t, v]) => Uint8Array.of(t, v.length, ...v))
        : fc
            .tuple(fc.constantFrom(0x30, 0x31, 0xa0, 0xa3), fc.array(tlv(n - 1), { maxLength: 4 }))
            .map(([t, kids]) => {
              const body = kids.flatMap((k) => [...k]);
              return body.length < 128
                ? Uint8Array.of(t, body.length, ...body)
                : Uint8Array.of(t, 0x82, body.length >> 8, body.length & 0xff, ...body);
            }),
    );
    fc.assert(
      fc.property(tlv(4), (b) => onlyDecodeError("x509", () => parseCertificate(b))),
      { numRuns: 2000 },
    );
  });

  it("decodeEcPrivateKey on mutated keys", () => {
    fc.assert(
      fc.property(mutate(key), (b) => onlyDecodeError("pkcs8", () => decodeEcPrivateKey(b))),
      { numRuns: 2000 },
    );
  });

  it("the unmutated inputs decode (so the properties above exercise the success path too)", () => {
    expect(parseCertificate(cert.der).subjectCommonName).toBe(cert.commonName);
    expect(decodeEcPrivateKey(key).curve).toBe("P-256");
  });
});
