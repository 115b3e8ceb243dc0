import { utf8Encode } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  AlertDescription,
  ContentType,
  decodeRecords,
  encodeAlert,
  encodeHandshakeFragment,
  encodeRecord,
  HandshakeType,
} from "../../src/index.js";
import { CLIENT_ADDR, deliver, drain, endpoints, handshake, SERVER_ADDR } from "../manual.js";

function connected() {
  const { client, server } = endpoints();
  const ev = handshake(client, server);
  expect(ev.client.some((e) => e.type === "connected")).toBe(true);
  expect(ev.server.some((e) => e.type === "connected")).toBe(true);
  return { client, server };
}

/** One application-data datagram from the client, as sent. */
function appRecord(client: ReturnType<typeof connected>["client"], text: string): Uint8Array {
  client.send(utf8Encode(text));
  return drain(client).out[0]!.data;
}

describe("hostile input after the handshake: counted drops, state intact", () => {
  it("RFC 6347 §4.1.2.6: a replayed application record is delivered once and counted", () => {
    const { client, server } = connected();
    const d = appRecord(client, "once");
    server.handleDatagram(1, { from: CLIENT_ADDR, data: d });
    server.handleDatagram(2, { from: CLIENT_ADDR, data: d });
    expect(drain(server).events.filter((e) => e.type === "data")).toHaveLength(1);
    expect(server.stats().replayDropped).toBe(1);
  });

  it("RFC 6347 §4.1.2.7: records with flipped bits or truncated are dropped silently; later data still flows", () => {
    const { client, server } = connected();
    const d = appRecord(client, "payload");
    for (let i = 13; i < d.byteLength; i += 7) {
      const bad = d.slice();
      bad[i]! ^= 0x40;
      server.handleDatagram(1, { from: CLIENT_ADDR, data: bad });
    }
    server.handleDatagram(1, { from: CLIENT_ADDR, data: d.subarray(0, d.byteLength - 5) });
    server.handleDatagram(1, { from: CLIENT_ADDR, data: d.subarray(0, 7) });
    expect(drain(server).events).toEqual([]);
    expect(server.state).toBe("connected");
    expect(server.stats().badMacDropped).toBeGreaterThan(0);
    expect(server.stats().malformedDropped).toBe(2);
    server.handleDatagram(2, { from: CLIENT_ADDR, data: d });
    expect(drain(server).events.map((e) => e.type)).toEqual(["data"]);
  });

  it("records of an epoch that does not exist are dropped and counted", () => {
    const { client, server } = connected();
    const d = appRecord(client, "x");
    const r = decodeRecords(d)[0]!;
    server.handleDatagram(1, { from: CLIENT_ADDR, data: encodeRecord({ ...r, epoch: 7 }) });
    expect(server.stats().epochDropped).toBe(1);
    expect(server.state).toBe("connected");
  });

  it("plaintext (epoch 0) application data and alerts are ignored once keys are in use", () => {
    const { server } = connected();
    const plain = (type: number, seq: number, body: Uint8Array) =>
      encodeRecord({
        contentType: type,
        version: 0xfefd,
        epoch: 0,
        sequenceNumber: 1000 + seq,
        fragment: body,
      });
    server.handleDatagram(1, {
      from: CLIENT_ADDR,
      data: plain(ContentType.application_data, 1, utf8Encode("forged")),
    });
    server.handleDatagram(1, {
      from: CLIENT_ADDR,
      data: plain(
        ContentType.alert,
        2,
        encodeAlert({ level: 2, description: AlertDescription.handshake_failure }),
      ),
    });
    expect(drain(server).events).toEqual([]);
    expect(server.state).toBe("connected");
  });

  it("unknown content types and garbage datagrams are counted, never thrown", () => {
    const { server } = connected();
    server.handleDatagram(1, { from: CLIENT_ADDR, data: new Uint8Array(0) });
    server.handleDatagram(1, { from: CLIENT_ADDR, data: Uint8Array.of(0xff, 0xff, 0xff) });
    server.handleDatagram(1, {
      from: CLIENT_ADDR,
      data: encodeRecord({
        contentType: 99,
        version: 0xfefd,
        epoch: 0,
        sequenceNumber: 2000,
        fragment: Uint8Array.of(1),
      }),
    });
    expect(server.state).toBe("connected");
    const s = server.stats();
    expect(s.malformedDropped + s.unexpectedDropped + s.epochDropped).toBe(2);
  });
});

describe("hostile input during the handshake", () => {
  it("an unexpected handshake message gets a fatal unexpected_message alert and a typed failure", () => {
    const { client, server } = endpoints();
    client.start(0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    deliver(client, SERVER_ADDR, drain(server).out, 0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0); // server now waits for the client's Certificate
    drain(server);
    const finishedInsteadOfCert = encodeHandshakeFragment({
      msgType: HandshakeType.server_hello_done,
      length: 0,
      messageSeq: 2,
      fragmentOffset: 0,
      body: new Uint8Array(0),
    });
    server.handleDatagram(1, {
      from: CLIENT_ADDR,
      data: encodeRecord({
        contentType: 22,
        version: 0xfefd,
        epoch: 0,
        sequenceNumber: 50,
        fragment: finishedInsteadOfCert,
      }),
    });
    const { out, events } = drain(server);
    expect(events).toEqual([
      expect.objectContaining({
        type: "failed",
        reason: "protocol-violation",
        alert: AlertDescription.unexpected_message,
      }),
    ]);
    const alert = decodeRecords(out[0]!.data)[0]!;
    expect(alert.contentType).toBe(ContentType.alert);
    expect([...alert.fragment]).toEqual([2, AlertDescription.unexpected_message]);
  });

  it("a malformed handshake body gets decode_error", () => {
    const { client } = endpoints();
    client.start(0);
    drain(client);
    const junkHello = encodeHandshakeFragment({
      msgType: HandshakeType.server_hello,
      length: 3,
      messageSeq: 0,
      fragmentOffset: 0,
      body: Uint8Array.of(1, 2, 3),
    });
    client.handleDatagram(1, {
      from: SERVER_ADDR,
      data: encodeRecord({
        contentType: 22,
        version: 0xfefd,
        epoch: 0,
        sequenceNumber: 0,
        fragment: junkHello,
      }),
    });
    expect(drain(client).events).toEqual([
      expect.objectContaining({ type: "failed", alert: AlertDescription.decode_error }),
    ]);
  });

  it("application data and Finished in epoch 0 before the handshake are dropped, not processed", () => {
    const { client } = endpoints();
    client.start(0);
    drain(client);
    const fin = encodeHandshakeFragment({
      msgType: HandshakeType.finished,
      length: 12,
      messageSeq: 0,
      fragmentOffset: 0,
      body: new Uint8Array(12),
    });
    client.handleDatagram(1, {
      from: SERVER_ADDR,
      data: encodeRecord({
        contentType: 22,
        version: 0xfefd,
        epoch: 0,
        sequenceNumber: 0,
        fragment: fin,
      }),
    });
    client.handleDatagram(1, {
      from: SERVER_ADDR,
      data: encodeRecord({
        contentType: 23,
        version: 0xfefd,
        epoch: 0,
        sequenceNumber: 1,
        fragment: Uint8Array.of(1),
      }),
    });
    expect(drain(client).events).toEqual([]);
    expect(client.state).toBe("handshaking");
    expect(client.stats().unexpectedDropped).toBe(2);
  });

  it("ClientHellos without a valid cookie leave the server stateless: each gets only a HelloVerifyRequest", () => {
    const { client, server } = endpoints();
    client.start(0);
    const ch = drain(client).out;
    for (let i = 0; i < 5; i++) deliver(server, { address: "10.9.9.9", port: 1000 + i }, ch, 0);
    const replies = drain(server).out;
    expect(replies).toHaveLength(5);
    for (const r of replies) {
      const frag = decodeRecords(r.data)[0]!.fragment;
      expect(frag[0]).toBe(HandshakeType.hello_verify_request);
    }
    expect(server.pollTimeout()).toBeGreaterThan(0); // only the handshake timeout
  });

  it("a forged epoch-0 record with a huge sequence number does not lock the real client out", () => {
    const { client, server } = endpoints();
    const forged = encodeRecord({
      contentType: 22,
      version: 0xfefd,
      epoch: 0,
      sequenceNumber: 2 ** 47,
      fragment: Uint8Array.of(1, 2),
    });
    server.handleDatagram(0, { from: { address: "10.6.6.6", port: 1 }, data: forged });
    drain(server);
    const ev = handshake(client, server);
    expect(ev.server.some((e) => e.type === "connected")).toBe(true);
  });

  it("a cookie minted for one address is not accepted from another (RFC 6347 §4.2.1)", () => {
    const { client, server } = endpoints();
    client.start(0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    deliver(client, SERVER_ADDR, drain(server).out, 0);
    const ch2 = drain(client).out;
    deliver(server, { address: "10.6.6.6", port: 6666 }, ch2, 0);
    const reply = drain(server).out;
    expect(decodeRecords(reply[0]!.data)[0]!.fragment[0]).toBe(HandshakeType.hello_verify_request);
  });
});

describe("application data that overtakes the peer's Finished", () => {
  it("is held (authenticated, epoch 1) and delivered right after connected", () => {
    const { client, server } = endpoints();
    client.start(0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    deliver(client, SERVER_ADDR, drain(server).out, 0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0);
    deliver(client, SERVER_ADDR, drain(server).out, 0);
    deliver(server, CLIENT_ADDR, drain(client).out, 0); // flight 5: the server completes
    const flight6 = drain(server).out;
    server.send(utf8Encode("early"));
    const data = drain(server).out;
    // The application record arrives first, then the flight with ChangeCipherSpec and Finished.
    deliver(client, SERVER_ADDR, data, 1);
    expect(drain(client).events).toEqual([]);
    deliver(client, SERVER_ADDR, flight6, 2);
    const types = drain(client).events.map((e) => e.type);
    expect(types).toEqual(["connected", "data"]);
  });
});
