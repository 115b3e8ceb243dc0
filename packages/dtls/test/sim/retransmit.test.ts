import type { Transmit } from "@purertc/common";
import { describe, expect, it } from "vitest";
import { ContentType, type DtlsEvent, decodeRecords } from "../../src/index.js";
import { CLIENT_ADDR, deliver, drain, endpoints, SERVER_ADDR } from "../manual.js";

const seqs = (ds: Transmit[]) =>
  ds.flatMap((d) => decodeRecords(d.data).map((r) => r.sequenceNumber));

describe("flight retransmission timers (RFC 6347 §4.2.4.1), all in milliseconds", () => {
  it("the ClientHello is retransmitted at exactly the initial timeout, then with doubling up to the maximum", () => {
    const { client } = endpoints({
      initialRetransmitMs: 1000,
      maxRetransmitMs: 4000,
      handshakeTimeoutMs: 60_000,
    });
    client.start(0);
    const first = drain(client).out;
    expect(first).toHaveLength(1);
    expect(client.pollTimeout()).toBe(1000);
    client.handleTimeout(999);
    expect(drain(client).out).toHaveLength(0);
    const deadlines: number[] = [];
    let now = 0;
    for (let i = 0; i < 5; i++) {
      now = client.pollTimeout()!;
      deadlines.push(now);
      client.handleTimeout(now);
      const again = drain(client).out;
      expect(again).toHaveLength(1);
      // Same message, fresh record sequence number (RFC 6347 §4.2.4).
      expect(seqs(again)[0]).toBeGreaterThan(seqs(first)[0]!);
    }
    expect(deadlines).toEqual([1000, 3000, 7000, 11000, 15000]);
  });

  it("the handshake fails with handshake-timeout at handshakeTimeoutMs when nobody answers", () => {
    const { client } = endpoints({
      initialRetransmitMs: 1000,
      maxRetransmitMs: 60_000,
      handshakeTimeoutMs: 10_000,
    });
    client.start(0);
    let failed: DtlsEvent | undefined;
    for (let i = 0; i < 20 && !failed; i++) {
      const at = client.pollTimeout()!;
      client.handleTimeout(at);
      failed = drain(client).events.find((e) => e.type === "failed");
      if (failed) expect(at).toBe(10_000);
    }
    expect(failed).toMatchObject({ type: "failed", reason: "handshake-timeout" });
    expect(client.pollTimeout()).toBeUndefined();
  });

  it("a lost server flight is retransmitted whole with new record sequence numbers", () => {
    const { client, server } = endpoints({ initialRetransmitMs: 500 });
    client.start(0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0); // ClientHello
    deliver(client, SERVER_ADDR, drain(server).out, 0); // HelloVerifyRequest
    deliver(server, CLIENT_ADDR, drain(client).out, 0); // ClientHello + cookie
    const flight4 = drain(server).out;
    expect(flight4.length).toBeGreaterThan(0);
    expect(server.pollTimeout()).toBe(500);
    server.handleTimeout(500);
    const again = drain(server).out;
    expect(again.map((d) => d.data.byteLength)).toEqual(flight4.map((d) => d.data.byteLength));
    expect(Math.min(...seqs(again))).toBeGreaterThan(Math.max(...seqs(flight4)));
    deliver(client, SERVER_ADDR, again, 500);
    const flight5 = drain(client).out;
    const types = flight5.flatMap((d) =>
      decodeRecords(d.data).map((r) => [r.contentType, r.epoch]),
    );
    expect(types).toContainEqual([ContentType.change_cipher_spec, 0]);
    expect(types).toContainEqual([ContentType.handshake, 1]);
  });

  it("a lost final server flight is resent when the client retransmits its flight, and both connect", () => {
    const { client, server } = endpoints({ initialRetransmitMs: 400 });
    client.start(0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    deliver(client, SERVER_ADDR, drain(server).out, 0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    deliver(client, SERVER_ADDR, drain(server).out, 0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0); // flight 5
    const f6 = drain(server);
    expect(f6.events.some((e) => e.type === "connected")).toBe(true);
    // Flight 6 is final: no timer on the server (RFC 6347 §4.2.4: final flight).
    expect(server.pollTimeout()).toBeUndefined();
    // ...lost. The client's timer fires and it retransmits flight 5.
    expect(client.pollTimeout()).toBe(400);
    client.handleTimeout(400);
    const f5again = drain(client).out;
    expect(f5again.length).toBeGreaterThan(0);
    deliver(server, CLIENT_ADDR, f5again, 400);
    const f6again = drain(server).out;
    expect(f6again.length).toBeGreaterThan(0);
    deliver(client, SERVER_ADDR, f6again, 400);
    expect(drain(client).events.some((e) => e.type === "connected")).toBe(true);
    // The client's timer stops once it has the server's Finished.
    expect(client.pollTimeout()).toBeUndefined();
  });

  it("once connected the server still answers every retransmitted flight 5 (RFC 6347 §4.2.4); the client resends nothing on a late copy of flight 4", () => {
    const { client, server } = endpoints({ initialRetransmitMs: 400 });
    client.start(0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    deliver(client, SERVER_ADDR, drain(server).out, 0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    const flight4 = drain(server).out;
    deliver(client, SERVER_ADDR, flight4, 0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0); // flight 5
    drain(server); // flight 6, lost twice
    for (const at of [400, 1200]) {
      client.handleTimeout(at);
      const f5again = drain(client).out;
      expect(f5again.length).toBeGreaterThan(0);
      deliver(server, CLIENT_ADDR, f5again, at);
      expect(drain(server).out.length).toBeGreaterThan(0);
    }
    client.handleTimeout(2800);
    deliver(server, CLIENT_ADDR, drain(client).out, 2800);
    deliver(client, SERVER_ADDR, drain(server).out, 2800);
    expect(drain(client).events.some((e) => e.type === "connected")).toBe(true);
    const resentBefore = client.stats().retransmissions;
    deliver(client, SERVER_ADDR, flight4, 3000); // a duplicate that wandered
    expect(drain(client).out).toHaveLength(0);
    expect(client.stats().retransmissions).toBe(resentBefore);
  });

  it("a retransmitted flight that arrives duplicated triggers one resend, not a storm", () => {
    const { client, server } = endpoints({ initialRetransmitMs: 400 });
    client.start(0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    deliver(client, SERVER_ADDR, drain(server).out, 0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    drain(server);
    // The client's timer fires; its retransmitted ClientHello arrives three times (network duplication).
    client.handleTimeout(400);
    const ch3 = drain(client).out;
    deliver(server, CLIENT_ADDR, ch3, 400);
    deliver(server, CLIENT_ADDR, ch3, 401);
    deliver(server, CLIENT_ADDR, ch3, 402);
    expect(server.stats().retransmissions).toBe(1);
    expect(drain(server).out.length).toBeGreaterThan(0);
  });

  it("a peer with a short timer (150 ms) is answered on each of its retransmissions", () => {
    const { server } = endpoints({ initialRetransmitMs: 1000 });
    const fast = endpoints({ initialRetransmitMs: 150 }).client;
    fast.start(0);
    deliver(server, CLIENT_ADDR, drain(fast).out, 0);
    deliver(fast, SERVER_ADDR, drain(server).out, 0);
    deliver(server, CLIENT_ADDR, drain(fast).out, 0);
    drain(server); // flight 4, lost
    for (const at of [150, 450]) {
      fast.handleTimeout(at);
      deliver(server, CLIENT_ADDR, drain(fast).out, at);
      expect(drain(server).out.length).toBeGreaterThan(0);
    }
    expect(server.stats().retransmissions).toBe(2);
  });
});
