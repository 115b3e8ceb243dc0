import { nobleCrypto } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { describe, expect, it } from "vitest";
import {
  ContentType,
  decodeRecord,
  decodeRecords,
  encodeRecord,
  RecordCipher,
  ReplayWindow,
} from "../../src/index.js";
import { RecordLayer } from "../../src/record/record-layer.js";

describe("DTLSPlaintext codec (RFC 6347 §4.1)", () => {
  it("decodes a hand-assembled header: type 22, DTLS 1.2, epoch 1, 48-bit sequence number", () => {
    const bytes = Uint8Array.of(
      22,
      0xfe,
      0xfd,
      0,
      1,
      0x12,
      0x34,
      0x56,
      0x78,
      0x9a,
      0xbc,
      0,
      2,
      0xaa,
      0xbb,
    );
    const r = decodeRecord(bytes);
    expect(r).toMatchObject({
      contentType: 22,
      version: 0xfefd,
      epoch: 1,
      sequenceNumber: 0x123456789abc,
    });
    expect(r.fragment).toEqual(Uint8Array.of(0xaa, 0xbb));
    expect(encodeRecord(r)).toEqual(bytes);
  });

  it("§4.1.1: several records in one datagram", () => {
    const a = encodeRecord({
      contentType: 22,
      version: 0xfefd,
      epoch: 0,
      sequenceNumber: 1,
      fragment: Uint8Array.of(1),
    });
    const b = encodeRecord({
      contentType: 20,
      version: 0xfefd,
      epoch: 0,
      sequenceNumber: 2,
      fragment: Uint8Array.of(1),
    });
    const both = new Uint8Array([...a, ...b]);
    expect(decodeRecords(both).map((r) => r.contentType)).toEqual([22, 20]);
  });

  it("rejects a length that runs past the datagram with a DecodeError", () => {
    const bytes = Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 1);
    expect(() => decodeRecord(bytes)).toThrow(/truncated/);
  });
});

describe("ReplayWindow (RFC 6347 §4.1.2.6)", () => {
  it("accepts new numbers, rejects duplicates and anything older than the window", () => {
    const w = new ReplayWindow();
    expect(w.isFresh(0)).toBe(true);
    w.mark(0);
    expect(w.isFresh(0)).toBe(false);
    w.mark(100);
    expect(w.isFresh(37)).toBe(true); // 100 - 63
    expect(w.isFresh(36)).toBe(false); // 100 - 64: out of the window
    w.mark(60);
    expect(w.isFresh(60)).toBe(false);
    expect(w.isFresh(61)).toBe(true);
    w.mark(2 ** 48 - 1);
    expect(w.isFresh(2 ** 48 - 1)).toBe(false);
    expect(w.isFresh(2 ** 48 - 2)).toBe(true);
  });

  it("tracks bits across the 32-bit halves after shifts of any size", () => {
    const w = new ReplayWindow();
    for (let s = 0; s < 200; s += 3) w.mark(s);
    for (let s = 199 - 63; s < 200; s++) expect(w.isFresh(s)).toBe(s % 3 !== 0);
  });
});

for (const crypto of [nodeCrypto, nobleCrypto]) {
  describe(`RecordCipher (${crypto.name})`, () => {
    const key16 = new Uint8Array(16).fill(7);
    const key32 = new Uint8Array(32).fill(9);
    const cases = [
      [
        "aes-128-gcm (RFC 5288)",
        () =>
          new RecordCipher(
            crypto.createAead("aes-128-gcm", key16),
            "explicit-gcm",
            Uint8Array.of(1, 2, 3, 4),
          ),
        24,
      ],
      [
        "chacha20-poly1305 (RFC 7905)",
        () =>
          new RecordCipher(
            crypto.createAead("chacha20-poly1305", key32),
            "xor-chacha",
            new Uint8Array(12).fill(3),
          ),
        16,
      ],
    ] as const;
    for (const [name, make, overhead] of cases) {
      it(`${name}: seals and opens, overhead ${overhead}, rejects tampering and wrong header fields`, () => {
        const c = make();
        expect(c.overhead).toBe(overhead);
        const plain = Uint8Array.from({ length: 1200 }, (_, i) => i & 0xff);
        const out = new Uint8Array(c.sealedLength(plain.byteLength));
        expect(c.sealInto(ContentType.application_data, 1, 42, plain, out, 0)).toBe(out.byteLength);
        const opener = make();
        expect(opener.open(23, 0xfefd, 1, 42, out)).toEqual(plain);
        expect(opener.open(23, 0xfefd, 1, 43, out)).toBeUndefined();
        expect(opener.open(22, 0xfefd, 1, 42, out)).toBeUndefined();
        expect(opener.open(23, 0xfefd, 2, 42, out)).toBeUndefined();
        const bad = out.slice();
        bad[bad.length - 1]! ^= 1;
        expect(opener.open(23, 0xfefd, 1, 42, bad)).toBeUndefined();
        expect(opener.open(23, 0xfefd, 1, 42, out.subarray(0, 10))).toBeUndefined();
      });
    }
  });
}

describe("RecordLayer", () => {
  it("§4.1.1: coalesces small records into one datagram and never exceeds the MTU", () => {
    const l = new RecordLayer(200);
    for (let i = 0; i < 10; i++) l.appendRecord(22, 0, new Uint8Array(40));
    const ds = l.takeDatagrams();
    expect(ds.length).toBe(4);
    for (const d of ds) expect(d.byteLength).toBeLessThanOrEqual(200);
    expect(decodeRecords(ds[0]!).map((r) => r.sequenceNumber)).toEqual([0, 1, 2]);
  });

  it("drops records of an unknown epoch; epoch 0 keeps no spoofable replay window", () => {
    const l = new RecordLayer(1200);
    const rec = {
      contentType: 22,
      version: 0xfefd,
      epoch: 0,
      sequenceNumber: 5,
      fragment: Uint8Array.of(1),
    };
    expect(l.unprotect({ ...rec, sequenceNumber: 2 ** 40 })).toEqual(Uint8Array.of(1));
    expect(l.unprotect(rec)).toEqual(Uint8Array.of(1));
    expect(l.unprotect({ ...rec, epoch: 3 })).toBeUndefined();
    expect(l.lastDrop).toBe("unknown-epoch");
  });
});

describe("record packing after the handshake", () => {
  it("packRarely: each packed datagram gets its own buffer, an earlier one is never overwritten", () => {
    const layer = new RecordLayer(1200);
    layer.appendRecord(ContentType.handshake, 0, Uint8Array.of(1, 2, 3));
    layer.packRarely(); // with a datagram half packed: it still goes out whole
    layer.appendRecord(ContentType.alert, 0, Uint8Array.of(4, 5));
    const [first] = layer.takeDatagrams();
    const before = first!.slice();
    expect(decodeRecords(first!).map((r) => [...r.fragment])).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    layer.appendRecord(ContentType.alert, 0, Uint8Array.of(9, 9));
    const [second] = layer.takeDatagrams();
    expect(first).toEqual(before);
    expect(second!.buffer).not.toBe(first!.buffer);
    expect(decodeRecords(second!).map((r) => [...r.fragment])).toEqual([[9, 9]]);
  });
});

describe("sealed application-data records", () => {
  it("each record is a datagram of its exact size that later records never overwrite (shared slab), and one whose buffer was transferred away does not break the next", () => {
    const key = new Uint8Array(16).fill(7);
    const salt = Uint8Array.of(1, 2, 3, 4);
    const layer = new RecordLayer(1200);
    const epoch = layer.addWriteEpoch(
      new RecordCipher(nodeCrypto.createAead("aes-128-gcm", key), "explicit-gcm", salt),
    );
    const opener = new RecordCipher(
      nodeCrypto.createAead("aes-128-gcm", key),
      "explicit-gcm",
      salt,
    );
    const plain = (i: number) => new Uint8Array(1150).fill(i & 0xff);
    const sealed: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) sealed.push(layer.sealRecord(23, epoch, plain(i)));
    const copies = sealed.map((d) => d.slice());
    for (let i = 0; i < 200; i++) {
      expect(sealed[i]!.byteLength).toBe(13 + 8 + 1150 + 16);
      expect(sealed[i]).toEqual(copies[i]);
      const r = decodeRecord(sealed[i]!);
      expect(opener.open(r.contentType, r.version, r.epoch, r.sequenceNumber, r.fragment)).toEqual(
        plain(i),
      );
    }
    // A consumer transferring a datagram's buffer (postMessage) detaches the slab under it.
    const last = sealed.at(-1)!;
    const buffer = last.buffer as ArrayBuffer;
    structuredClone(buffer, { transfer: [buffer] });
    expect(last.byteLength).toBe(0);
    const next = layer.sealRecord(23, epoch, plain(1));
    const r = decodeRecord(next);
    expect(opener.open(r.contentType, r.version, r.epoch, r.sequenceNumber, r.fragment)).toEqual(
      plain(1),
    );
  });

  it("a record too large for the slab gets a buffer of its own", () => {
    const layer = new RecordLayer(1200);
    const d = layer.sealRecord(23, 0, new Uint8Array(16000));
    expect(d.byteOffset).toBe(0);
    expect(d.buffer.byteLength).toBe(16013);
  });
});
