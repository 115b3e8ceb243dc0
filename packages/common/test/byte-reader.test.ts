import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteReader, ByteWriter, DecodeError } from "../src/index.js";

describe("ByteReader / ByteWriter", () => {
  it("round-trips every integer width big-endian", () => {
    const w = new ByteWriter(4);
    w.u8(0xab)
      .u16(0x1234)
      .u24(0xabcdef)
      .u32(0xdeadbeef)
      .u48(0x123456789abc)
      .u64(0x0102030405060708n);
    const bytes = w.toBytes();
    expect(Array.from(bytes.subarray(0, 6))).toEqual([0xab, 0x12, 0x34, 0xab, 0xcd, 0xef]);
    const r = new ByteReader(bytes, "test");
    expect([r.u8(), r.u16(), r.u24(), r.u32(), r.u48(), r.u64()]).toEqual([
      0xab,
      0x1234,
      0xabcdef,
      0xdeadbeef,
      0x123456789abc,
      0x0102030405060708n,
    ]);
    expect(r.remaining).toBe(0);
  });

  it("throws DecodeError with layer, code and offset when input is short", () => {
    const r = new ByteReader(new Uint8Array([1, 2, 3]), "stun");
    r.u8();
    try {
      r.u32();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect(e).toMatchObject({ layer: "stun", code: "truncated", offset: 1 });
    }
  });

  it("bytes() is a zero-copy view and sub() bounds a nested structure", () => {
    const buf = new Uint8Array([1, 2, 3, 4, 5]);
    const r = new ByteReader(buf, "t");
    const inner = r.sub(3);
    expect(inner.u16()).toBe(0x0102);
    expect(() => inner.u16()).toThrow(DecodeError);
    expect(r.u8()).toBe(4);
    const view = new ByteReader(buf, "t", 4).bytes(1);
    buf[4] = 9;
    expect(view[0]).toBe(9);
  });

  it("a fixed-buffer writer refuses to overflow; setU16/setU24 patch earlier fields", () => {
    const w = new ByteWriter(new Uint8Array(4));
    w.u16(0).u16(7);
    w.setU16(0, 0xbeef);
    expect(Array.from(w.view())).toEqual([0xbe, 0xef, 0, 7]);
    expect(() => w.u8(1)).toThrow(RangeError);
    expect(() => w.setU24(3, 1)).toThrow(RangeError);
  });

  it("random reads over random bytes throw nothing but DecodeError", () => {
    const ops = ["u8", "u16", "u24", "u32", "u48", "u64", "bytes", "skip", "sub"] as const;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 32 }),
        fc.array(fc.tuple(fc.constantFrom(...ops), fc.integer({ min: -2, max: 40 }))),
        (buf, steps) => {
          const r = new ByteReader(buf, "fuzz");
          try {
            for (const [op, n] of steps) {
              if (op === "bytes" || op === "skip" || op === "sub") r[op](n);
              else r[op]();
            }
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
          expect(r.offset).toBeLessThanOrEqual(buf.length);
        },
      ),
    );
  });
});
