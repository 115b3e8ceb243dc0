import { isDecodeError } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { DerReader, derOid, derSmallInteger, derTlv, derUnsignedInteger } from "../../src/index.js";

function code(bytes: number[], f: (r: DerReader) => unknown): string {
  try {
    f(new DerReader(Uint8Array.from(bytes), "x509"));
    return "ok";
  } catch (e) {
    return isDecodeError(e, "x509") ? e.code : `other: ${String(e)}`;
  }
}

describe("DER (X.690 §8, §10)", () => {
  it("encodes lengths in short and minimal long form (X.690 §10.1)", () => {
    expect([...derTlv(0x04, new Uint8Array(127)).subarray(0, 2)]).toEqual([0x04, 127]);
    expect([...derTlv(0x04, new Uint8Array(128)).subarray(0, 3)]).toEqual([0x04, 0x81, 128]);
    expect([...derTlv(0x04, new Uint8Array(256)).subarray(0, 4)]).toEqual([0x04, 0x82, 1, 0]);
  });

  it("encodes INTEGERs minimally with a sign octet when needed (X.690 §8.3.2)", () => {
    expect([...derUnsignedInteger(Uint8Array.of(0, 0, 0x7f))]).toEqual([2, 1, 0x7f]);
    expect([...derUnsignedInteger(Uint8Array.of(0x80))]).toEqual([2, 2, 0, 0x80]);
    expect([...derSmallInteger(0)]).toEqual([2, 1, 0]);
    expect([...derSmallInteger(256)]).toEqual([2, 2, 1, 0]);
  });

  it("round-trips OIDs including multi-octet arcs (X.690 §8.19)", () => {
    for (const oid of [
      "1.2.840.10045.4.3.2",
      "2.5.4.3",
      "1.3.132.0.34",
      "2.999.3",
      "1.2.840.113549.1.1.11",
    ]) {
      expect(new DerReader(derOid(oid), "x509").oid("oid")).toBe(oid);
    }
    expect([...derOid("1.2.840.10045.2.1")]).toEqual([6, 7, 0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1]);
  });

  it("rejects indefinite, non-minimal and overlong lengths, high tag numbers and truncation", () => {
    expect(code([0x30, 0x80, 0, 0], (r) => r.read())).toBe("bad-length");
    expect(code([0x04, 0x81, 0x05, 1, 2, 3, 4, 5], (r) => r.read())).toBe("bad-length");
    expect(code([0x04, 0x85, 1, 1, 1, 1, 1], (r) => r.read())).toBe("bad-length");
    expect(code([0x1f, 0x01, 0x00], (r) => r.read())).toBe("unsupported-tag");
    expect(code([0x04, 0x03, 1, 2], (r) => r.read())).toBe("truncated");
    expect(code([0x04], (r) => r.read())).toBe("truncated");
    expect(code([0x04, 0x00], (r) => r.expect(0x30, "seq"))).toBe("unexpected-tag");
    expect(code([0x06, 0x01, 0x81], (r) => r.oid("oid"))).toBe("bad-oid");
    expect(code([0x03, 0x02, 0x01, 0xff], (r) => r.bitString("bits"))).toBe("bad-bit-string");
    expect(
      code([0x04, 0x00, 0x05], (r) => {
        r.read();
        r.finish("x");
      }),
    ).toBe("trailing-data");
  });

  it("a constructed element's reader cannot run past its end", () => {
    const r = new DerReader(Uint8Array.of(0x30, 0x02, 0x04, 0x00, 0x04, 0x00), "x509");
    const inner = r.sequence("outer");
    inner.read();
    expect(inner.atEnd).toBe(true);
    expect(r.read().tag).toBe(0x04);
  });
});
