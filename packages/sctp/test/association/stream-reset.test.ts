import { Fifo } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { ReassemblyQueue } from "../../src/association/reassembly.js";
import { StreamReset } from "../../src/association/stream-reset.js";
import type { SctpEvent } from "../../src/events.js";
import { ReconfigResult } from "../../src/params/reconfig-params.js";

const request = (requestSeq: number, senderLastTsn: number, streams: number[]) =>
  ({
    kind: "outgoing-ssn-reset-request",
    requestSeq,
    responseSeq: 0,
    senderLastTsn,
    streams,
  }) as const;

function answers(r: StreamReset): [number, number][] {
  const out: [number, number][] = [];
  while (r.hasOutput)
    for (const p of r.takeParams(0))
      if (p.kind === "re-config-response") out.push([p.responseSeq, p.result]);
  return out;
}

describe("StreamReset, the peer's outgoing SSN reset requests (RFC 6525 §5.2.2)", () => {
  it("defers a request until its last TSN, holding newer data of its streams", () => {
    const r = new StreamReset(1000, 100);
    expect(r.onOutgoingRequest(request(100, 50, [3]), 40, () => [])).toEqual({});
    expect(answers(r)).toEqual([[100, ReconfigResult.IN_PROGRESS]]);
    expect(r.mustDefer(3, 51)).toBe(true);
    expect(r.mustDefer(3, 50)).toBe(false);
    expect(r.mustDefer(4, 51)).toBe(false);
    expect(r.onCumulativeTsn(49)).toBeUndefined();
    expect(r.onCumulativeTsn(50)).toEqual([3]);
    expect(answers(r)).toEqual([[100, ReconfigResult.SUCCESS_PERFORMED]]);
    expect(r.mustDefer(3, 51)).toBe(false);
  });

  it("a request re-sent under a new number after 'in progress' (dcSCTP) resets the streams once, never again later", () => {
    const r = new StreamReset(1000, 100);
    r.onOutgoingRequest(request(100, 50, [3]), 40, () => []);
    expect(answers(r)).toEqual([[100, ReconfigResult.IN_PROGRESS]]);
    // The peer got "in progress" and sends the same reset as request 101; the data is in now.
    expect(r.onOutgoingRequest(request(101, 50, [3]), 50, () => [])).toEqual({
      performIncoming: [3],
    });
    expect(answers(r)).toEqual([
      [100, ReconfigResult.SUCCESS_PERFORMED],
      [101, ReconfigResult.SUCCESS_PERFORMED],
    ]);
    // New data on stream 3 flows; a later cumulative TSN must not reset the stream again.
    expect(r.onCumulativeTsn(60)).toBeUndefined();
    expect(r.mustDefer(3, 55)).toBe(false);
    // A retransmission of 101 gets the same answer and performs nothing.
    expect(r.onOutgoingRequest(request(101, 50, [3]), 60, () => [])).toEqual({});
    expect(answers(r)).toEqual([[101, ReconfigResult.SUCCESS_PERFORMED]]);
  });

  it("the same reset re-sent under a new number after we performed it is answered, not performed again", () => {
    const r = new StreamReset(1000, 100);
    r.onOutgoingRequest(request(100, 50, [3]), 40, () => []);
    expect(r.onCumulativeTsn(50)).toEqual([3]);
    answers(r);
    // dcSCTP had already scheduled a new number for the "in progress" request; new data on
    // stream 3 may be flowing by the time it arrives.
    expect(r.onOutgoingRequest(request(101, 50, [3]), 80, () => [])).toEqual({});
    expect(answers(r)).toEqual([[101, ReconfigResult.SUCCESS_PERFORMED]]);
    // A later close of the same stream (its new life ends at TSN 90) resets it again.
    expect(r.onOutgoingRequest(request(102, 90, [3]), 90, () => [])).toEqual({
      performIncoming: [3],
    });
  });

  it("two requests both deferred are performed together once the later one's TSN arrived", () => {
    const r = new StreamReset(1000, 100);
    r.onOutgoingRequest(request(100, 50, [3]), 40, () => []);
    r.onOutgoingRequest(request(101, 70, [5]), 45, () => []);
    expect(r.onCumulativeTsn(50)).toEqual([3]);
    expect(r.mustDefer(5, 71)).toBe(true);
    expect(r.onCumulativeTsn(70)).toEqual([5]);
    expect(answers(r)).toEqual([
      [100, ReconfigResult.IN_PROGRESS],
      [101, ReconfigResult.IN_PROGRESS],
      [100, ReconfigResult.SUCCESS_PERFORMED],
      [101, ReconfigResult.SUCCESS_PERFORMED],
    ]);
  });
});

describe("ReassemblyQueue.resetStreams", () => {
  const B_E = 3; // DATA flags: beginning and end of a whole message
  const texts = (events: Fifo<SctpEvent>) => {
    const out: string[] = [];
    for (let e = events.shift(); e !== undefined; e = events.shift())
      if (e.type === "message") out.push(new TextDecoder().decode(e.data));
    return out;
  };

  it("keeps a new-life message that overtook the reset and delivers it from sequence 0", () => {
    const events = new Fifo<SctpEvent>();
    const q = new ReassemblyQueue(events, 1 << 20);
    const msg = (s: string) => new TextEncoder().encode(s);
    q.add(1, 7, 0, 0, 51, B_E, msg("old 0"));
    q.add(2, 7, 1, 0, 51, B_E, msg("old 1"));
    // The stream's new life starts at SSN 0 and arrives before the RE-CONFIG (lost once).
    q.add(4, 7, 0, 0, 51, B_E, msg("new 0"));
    expect(texts(events)).toEqual(["old 0", "old 1"]);
    q.resetStreams([7]);
    q.add(5, 7, 1, 0, 51, B_E, msg("new 1"));
    expect(texts(events)).toEqual(["new 0", "new 1"]);
  });
});
