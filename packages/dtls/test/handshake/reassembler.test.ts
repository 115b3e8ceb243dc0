import { describe, expect, it } from "vitest";
import { type HandshakeFragment, Reassembler } from "../../src/index.js";

const body = Uint8Array.from({ length: 100 }, (_, i) => i);
const frag = (
  seq: number,
  offset: number,
  len: number,
  msgType = 1,
  total = body,
): HandshakeFragment => ({
  msgType,
  length: total.byteLength,
  messageSeq: seq,
  fragmentOffset: offset,
  body: total.subarray(offset, offset + len),
});

describe("Reassembler (RFC 6347 §4.2.3)", () => {
  it("releases a message once fragments arriving in reverse order with duplicates and overlaps cover it", () => {
    const r = new Reassembler(10_000);
    expect(r.add(frag(0, 60, 40))).toBe("accepted");
    expect(r.pop()).toBeUndefined();
    expect(r.add(frag(0, 60, 40))).toBe("accepted");
    expect(r.add(frag(0, 10, 55))).toBe("accepted");
    expect(r.pop()).toBeUndefined();
    expect(r.add(frag(0, 0, 20))).toBe("accepted");
    const m = r.pop()!;
    expect(m.body).toEqual(body);
    expect(m.messageSeq).toBe(0);
    expect(r.nextSeq).toBe(1);
    expect(r.add(frag(0, 0, 10))).toBe("old");
  });

  it("§4.2.2: releases messages strictly in message_seq order", () => {
    const r = new Reassembler(10_000);
    r.add(frag(1, 0, 100, 2));
    expect(r.pop()).toBeUndefined();
    r.add(frag(0, 0, 100, 1));
    expect(r.pop()!.msgType).toBe(1);
    expect(r.pop()!.msgType).toBe(2);
  });

  it("a zero-length message (ServerHelloDone) completes at once", () => {
    const r = new Reassembler(10_000);
    r.add({ msgType: 14, length: 0, messageSeq: 0, fragmentOffset: 0, body: new Uint8Array(0) });
    expect(r.pop()!.body.byteLength).toBe(0);
  });

  it("drops fragments that disagree on type or length with earlier ones", () => {
    const r = new Reassembler(10_000);
    r.add(frag(0, 0, 50));
    expect(r.add(frag(0, 50, 50, 2))).toBe("dropped");
    expect(r.add({ ...frag(0, 50, 10), length: 200 })).toBe("dropped");
    expect(r.pop()).toBeUndefined();
  });

  it("bounds memory: too far ahead or over the byte budget is dropped", () => {
    const r = new Reassembler(4096, 4);
    expect(r.add(frag(4, 0, 10))).toBe("dropped");
    const big = new Uint8Array(5000);
    expect(
      r.add({
        msgType: 11,
        length: big.byteLength,
        messageSeq: 0,
        fragmentOffset: 0,
        body: big.subarray(0, 100),
      }),
    ).toBe("dropped");
  });

  it("reset() restarts at another message_seq (stateless cookie exchange)", () => {
    const r = new Reassembler(10_000);
    r.add(frag(0, 0, 100));
    r.pop();
    r.reset(0);
    expect(r.add(frag(0, 0, 100))).toBe("accepted");
    expect(r.pop()).toBeDefined();
  });
});
