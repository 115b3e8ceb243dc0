import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32, crc32c, utf8Encode } from "../src/index.js";

function bitwise(poly: number, data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of data) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ poly : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe("CRC", () => {
  it("CRC-32 check value of '123456789' is 0xCBF43926", () => {
    expect(crc32(utf8Encode("123456789"))).toBe(0xcbf43926);
  });

  it("CRC-32C check value of '123456789' is 0xE3069283 (RFC 9260 Appendix A)", () => {
    expect(crc32c(utf8Encode("123456789"))).toBe(0xe3069283);
  });

  it("CRC-32C of 32 zero bytes is 0x8A9136AA (RFC 3720 B.4)", () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });

  it("slicing-by-8 agrees with the bitwise definition on any input and range", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(10), (data, cut) => {
        const start = Math.min(cut, data.length);
        expect(crc32(data, start)).toBe(bitwise(0xedb88320, data.subarray(start)));
        expect(crc32c(data, start)).toBe(bitwise(0x82f63b78, data.subarray(start)));
      }),
    );
  });
});
