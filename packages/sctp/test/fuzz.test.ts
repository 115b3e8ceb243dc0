import { DecodeError, seededRng } from "@purertc/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SctpAssociation } from "../src/association/association.js";
import { type Chunk, decodeChunk, encodeChunk } from "../src/chunks/chunk.js";
import { decodeDcep, encodeDcep } from "../src/data-channel/dcep.js";
import { decodePacket, encodePacket } from "../src/packet.js";
import { decodeParams, type Param } from "../src/params/param.js";
import { exchange } from "./wire.js";

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (max = 64) => fc.uint8Array({ minLength: 0, maxLength: max });
const flag = fc.boolean();

const paramArb: fc.Arbitrary<Param> = fc.oneof(
  fc.record({ kind: fc.constant("state-cookie" as const), cookie: bytes() }),
  fc.record({
    kind: fc.constant("supported-extensions" as const),
    chunkTypes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }),
  }),
  fc.constant({ kind: "forward-tsn-supported" as const }),
  fc.record({ kind: fc.constant("zero-checksum-acceptable" as const), edmid: u32 }),
  fc.record({ kind: fc.constant("unrecognized-parameter" as const), parameter: bytes() }),
  fc.record({ kind: fc.constant("heartbeat-info" as const), info: bytes() }),
  fc.record({
    kind: fc.constant("outgoing-ssn-reset-request" as const),
    requestSeq: u32,
    responseSeq: u32,
    senderLastTsn: u32,
    streams: fc.array(u16, { maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant("incoming-ssn-reset-request" as const),
    requestSeq: u32,
    streams: fc.array(u16, { maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("ssn-tsn-reset-request" as const), requestSeq: u32 }),
  fc.record({
    kind: fc.constantFrom(
      "add-outgoing-streams-request" as const,
      "add-incoming-streams-request" as const,
    ),
    requestSeq: u32,
    newStreams: u16,
  }),
  fc.record({ kind: fc.constant("re-config-response" as const), responseSeq: u32, result: u32 }),
  fc.record({
    kind: fc.constant("re-config-response" as const),
    responseSeq: u32,
    result: u32,
    senderNextTsn: u32,
    receiverNextTsn: u32,
  }),
  fc.record({
    kind: fc.constant("unknown" as const),
    type: fc.constantFrom(0x7fff, 0x4001, 0xbfff, 0x3333),
    value: bytes(),
  }),
);

const causes = fc.array(fc.record({ code: u16, info: bytes(16) }), { maxLength: 4 });
const dataFlags = { unordered: flag, beginning: flag, ending: flag, immediate: flag };

const chunkArb: fc.Arbitrary<Chunk> = fc.oneof(
  fc.record({
    kind: fc.constant("data" as const),
    tsn: u32,
    streamId: u16,
    ssn: u16,
    ppid: u32,
    ...dataFlags,
    payload: bytes(),
  }),
  fc
    .record({
      kind: fc.constant("i-data" as const),
      tsn: u32,
      streamId: u16,
      mid: u32,
      x: u32,
      ...dataFlags,
      payload: bytes(),
    })
    .map(({ x, ...c }) => ({ ...c, ppid: c.beginning ? x : 0, fsn: c.beginning ? 0 : x })),
  fc.record({
    kind: fc.constantFrom("init" as const, "init-ack" as const),
    initiateTag: u32,
    aRwnd: u32,
    outboundStreams: u16,
    inboundStreams: u16,
    initialTsn: u32,
    params: fc.array(paramArb, { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant("sack" as const),
    cumulativeTsnAck: u32,
    aRwnd: u32,
    gapBlocks: fc.array(fc.tuple(u16, u16), { maxLength: 6 }).map((g) => g.flat()),
    duplicateTsns: fc.array(u32, { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constantFrom("heartbeat" as const, "heartbeat-ack" as const),
    info: bytes(),
  }),
  fc.record({ kind: fc.constant("abort" as const), reflectedTag: flag, causes }),
  fc.record({ kind: fc.constant("error" as const), causes }),
  fc.record({ kind: fc.constant("shutdown" as const), cumulativeTsnAck: u32 }),
  fc.constant({ kind: "shutdown-ack" as const }),
  fc.record({ kind: fc.constant("shutdown-complete" as const), reflectedTag: flag }),
  fc.record({ kind: fc.constant("cookie-echo" as const), cookie: bytes() }),
  fc.constant({ kind: "cookie-ack" as const }),
  fc.record({
    kind: fc.constant("forward-tsn" as const),
    newCumulativeTsn: u32,
    streams: fc.array(fc.record({ streamId: u16, ssn: u16 }), { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant("i-forward-tsn" as const),
    newCumulativeTsn: u32,
    streams: fc.array(fc.record({ streamId: u16, unordered: flag, mid: u32 }), { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant("re-config" as const),
    params: fc.array(paramArb, { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    kind: fc.constant("unknown" as const),
    type: fc.constantFrom(0x3f, 0x7f, 0xbf, 0xff),
    flags: fc.integer({ min: 0, max: 255 }),
    value: bytes(),
  }),
);

function onlyDecodeErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

describe("fuzz: codecs (fast-check)", () => {
  it("every chunk round-trips: decode(encode(c)) equals c", () => {
    fc.assert(
      fc.property(chunkArb, (c) => {
        expect(decodeChunk(encodeChunk(c))).toEqual(c);
      }),
      { numRuns: 3000 },
    );
  });

  it("every chunk decoder throws only DecodeError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), bytes(80), (type, rest) => {
        const b = new Uint8Array(4 + rest.byteLength);
        b[0] = type;
        b.set(rest, 4);
        const len = rest.byteLength > 0 ? rest[0]! : b.byteLength;
        b[2] = 0;
        b[3] = len;
        onlyDecodeErrors(() => decodeChunk(b));
        onlyDecodeErrors(() => decodeChunk(rest));
      }),
      { numRuns: 20_000 },
    );
  });

  it("mutated valid chunks decode or throw DecodeError, nothing else", () => {
    fc.assert(
      fc.property(
        chunkArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        (c, muts, cut) => {
          const b = encodeChunk(c).slice();
          for (const [i, v] of muts) if (b.byteLength > 0) b[i % b.byteLength] = v;
          onlyDecodeErrors(() => decodeChunk(b));
          onlyDecodeErrors(() => decodeChunk(b.subarray(0, cut % (b.byteLength + 1))));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("parameter lists and packets: only DecodeError; packets round-trip", () => {
    fc.assert(
      fc.property(bytes(100), (b) => {
        onlyDecodeErrors(() => decodeParams(b));
        onlyDecodeErrors(() => decodePacket(b));
        onlyDecodeErrors(() => decodeDcep(b));
      }),
      { numRuns: 10_000 },
    );
    fc.assert(
      fc.property(
        u16,
        u16,
        u32,
        fc.array(chunkArb, { maxLength: 4 }),
        (sourcePort, destinationPort, verificationTag, chunks) => {
          const p = { sourcePort, destinationPort, verificationTag, chunks };
          expect(decodePacket(encodePacket(p))).toEqual(p);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("DCEP OPEN round-trips", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        u16,
        u32,
        fc.string(),
        fc.string(),
        (channelType, priority, reliability, label, protocol) => {
          const m = { kind: "open" as const, channelType, priority, reliability, label, protocol };
          expect(decodeDcep(encodeDcep(m))).toEqual(m);
        },
      ),
    );
  });
});

describe("fuzz: association fed hostile packets", () => {
  /** An established association and a header that passes its tag and checksum checks. */
  function established(seed: number): { a: SctpAssociation; header: Uint8Array } {
    const a = new SctpAssociation({ rng: seededRng(seed), heartbeatIntervalMs: 1000 });
    const b = new SctpAssociation({ rng: seededRng(seed + 1) });
    a.connect(0);
    exchange(a, b, 0);
    b.send(0, 1, 53, new Uint8Array(10));
    const real = b.pollTransmit()!;
    a.handleDatagram(0, real);
    exchange(a, b, 0);
    expect(a.state).toBe("established");
    const header = real.slice(0, 12);
    header.fill(0, 8, 12); // zero checksum: accepted because a offered RFC 9653
    return { a, header };
  }

  it("never throws, never loops, keeps memory bounded", () => {
    let { a, header } = established(1);
    let now = 1;
    let restarts = 0;
    fc.assert(
      fc.property(
        fc.array(chunkArb, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (chunks, raw) => {
          if (a.ended) {
            ({ a, header } = established(++restarts * 10));
            now = 1;
          }
          const body = raw
            ? encodeChunk(chunks[0]!).map((x, i) => (i > 3 ? x ^ 0x5a : x))
            : encodePacket({
                sourcePort: 5000,
                destinationPort: 5000,
                verificationTag: 0,
                chunks,
              }).subarray(12);
          const pkt = new Uint8Array(12 + body.byteLength);
          pkt.set(header);
          pkt.set(body, 12);
          now += 7;
          a.handleDatagram(now, pkt);
          let polls = 0;
          while (a.pollTransmit() !== undefined || a.pollEvent() !== undefined) {
            if (++polls > 10_000) throw new Error("association keeps producing output");
          }
          const t = a.pollTimeout();
          if (t !== undefined && t <= now + 1000) a.handleTimeout(Math.max(now, t));
          while (a.pollTransmit() !== undefined || a.pollEvent() !== undefined) {
            if (++polls > 20_000) throw new Error("association keeps producing output");
          }
          const s = a.stats();
          expect(s.localRwnd).toBeGreaterThanOrEqual(0);
          expect(s.bufferedAmount).toBeLessThan(1 << 20);
        },
      ),
      { numRuns: 5000 },
    );
    expect(restarts).toBeGreaterThan(0); // ABORTs got through, so the hostile chunks reached the TCB
  });
});
