import { fromHex } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  attr,
  decodeStunMessage,
  encodeStunMessage,
  StunClientTransactions,
  type StunTransactionEvent,
  XorMappedAddress,
} from "../src/index.js";

const SERVER = { address: "192.0.2.1", port: 3478 };
const TID = fromHex("0102030405060708090a0b0c");

function request(tid = TID): Uint8Array {
  return encodeStunMessage({ method: 1, class: "request", transactionId: tid, attributes: [] });
}

function response(tid = TID): ReturnType<typeof decodeStunMessage> {
  return decodeStunMessage(
    encodeStunMessage({
      method: 1,
      class: "success",
      transactionId: tid,
      attributes: [attr(XorMappedAddress, { address: "198.51.100.9", port: 1234 })],
    }),
  );
}

/** Runs the timers until idle; returns the send times and the events. */
function runToEnd<C>(tx: StunClientTransactions<C>): {
  sends: number[];
  events: StunTransactionEvent<C>[];
  end: number;
} {
  const sends: number[] = [];
  const events: StunTransactionEvent<C>[] = [];
  let now = 0;
  for (;;) {
    while (tx.pollTransmit()) sends.push(now);
    for (let e = tx.pollEvent(); e; e = tx.pollEvent()) events.push(e);
    const t = tx.pollTimeout();
    if (t === undefined) return { sends, events, end: now };
    now = t;
    tx.handleTimeout(now);
  }
}

describe("STUN client transactions (RFC 8489 §6.2)", () => {
  it("RFC 8489 §6.2.1 UDP schedule: sends at 0, 500, 1500, 3500, 7500, 15500, 31500 ms, fails at 39500 ms", () => {
    const tx = new StunClientTransactions<string>();
    tx.start(0, { request: request(), to: SERVER, context: "ctx" });
    const { sends, events, end } = runToEnd(tx);
    expect(sends).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(end).toBe(39500);
    expect(events).toEqual([{ type: "timeout", transactionId: TID, to: SERVER, context: "ctx" }]);
    expect(tx.size).toBe(0);
  });

  it("RFC 8489 §6.2.2 TCP: one transmission and a Ti = 39.5 s timeout", () => {
    const tx = new StunClientTransactions();
    tx.start(0, { request: request(), to: SERVER, transport: "tcp", context: undefined });
    const { sends, end, events } = runToEnd(tx);
    expect(sends).toEqual([0]);
    expect(end).toBe(39500);
    expect(events[0]?.type).toBe("timeout");
  });

  it("honours Rc, Rm and a per-transaction RTO", () => {
    const tx = new StunClientTransactions({ requestCount: 3, finalWaitFactor: 2 });
    tx.start(0, { request: request(), to: SERVER, rtoMs: 100, context: undefined });
    const { sends, end } = runToEnd(tx);
    expect(sends).toEqual([0, 100, 300]);
    expect(end).toBe(500);
  });

  it("matches a response by transaction id and reports the RTT", () => {
    const tx = new StunClientTransactions<number>();
    tx.start(0, { request: request(), to: SERVER, context: 7 });
    expect(tx.pollTransmit()?.to).toEqual(SERVER);
    const other = fromHex("ffffffffffffffffffffffff");
    expect(tx.handleResponse(40, response(other), SERVER)).toBe(false);
    expect(tx.handleResponse(42, response(), SERVER)).toBe(true);
    const ev = tx.pollEvent();
    expect(ev).toMatchObject({
      type: "response",
      rttMs: 42,
      retransmitted: false,
      context: 7,
      from: SERVER,
    });
    expect(tx.pollTimeout()).toBeUndefined();
    // A duplicate response after completion is not matched again.
    expect(tx.handleResponse(50, response(), SERVER)).toBe(false);
  });

  it("does not match requests or indications, only success and error responses", () => {
    const tx = new StunClientTransactions();
    tx.start(0, { request: request(), to: SERVER, context: undefined });
    expect(tx.handleResponse(1, decodeStunMessage(request()), SERVER)).toBe(false);
    expect(tx.has(TID)).toBe(true);
  });

  it("adapts the RTO from unambiguous RTT samples, never below the initial RTO (RFC 6298, Karn)", () => {
    const tx = new StunClientTransactions({ initialRtoMs: 100 });
    for (let i = 0; i < 5; i++) {
      const tid = new Uint8Array(12).fill(i + 1);
      tx.start(i * 1000, { request: request(tid), to: SERVER, context: undefined });
      tx.handleResponse(i * 1000 + 300, response(tid), SERVER);
    }
    expect(tx.currentRtoMs).toBeGreaterThan(300);
    const fast = new StunClientTransactions({ initialRtoMs: 500 });
    fast.start(0, { request: request(), to: SERVER, context: undefined });
    fast.handleResponse(1, response(), SERVER);
    expect(fast.currentRtoMs).toBe(500);
  });

  it("cancel forgets a transaction without an event; a duplicate id is API misuse", () => {
    const tx = new StunClientTransactions();
    tx.start(0, { request: request(), to: SERVER, context: undefined });
    expect(() => tx.start(0, { request: request(), to: SERVER, context: undefined })).toThrow(
      TypeError,
    );
    expect(tx.cancel(TID)).toBe(true);
    expect(runToEnd(tx).events).toEqual([]);
  });

  it("rejects invalid configuration", () => {
    expect(() => new StunClientTransactions({ requestCount: 0 })).toThrow(RangeError);
    expect(() => new StunClientTransactions({ initialRtoMs: -1 })).toThrow(RangeError);
  });
});
