import { connect } from "node:net";
import { toHex } from "@purertc/common";
import { nodeCrypto } from "@purertc/crypto/node";
import { describe, expect, it } from "vitest";
import {
  attr,
  decodeStunMessage,
  encodeStunMessage,
  getAttribute,
  StunIntegrityKey,
  StunTcpFramer,
  stunUserhash,
  Username,
  verifyMessageIntegrity,
  XorMappedAddress,
} from "../../src/index.js";
import { discoverNatBehavior, startStunServer, stunBindingRequest } from "../../src/node/index.js";

/** Handles that would keep the process alive (sockets, servers, timers). */
function handles(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((r) => /UDP|TCP|Timeout|Pipe/.test(r))
    .sort();
}

/** Handles in `now` beyond those of `before` (a handle of `before` may have ended meanwhile). */
function extra(now: string[], before: string[]): string[] {
  const left = [...before];
  return now.filter((h) => {
    const i = left.indexOf(h);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/**
 * The live handles once pending closes have been reaped: libuv frees a closed handle on a later
 * loop turn, so this waits (a bounded number of turns) until none is left beyond `before`. Those
 * left over are returned (a leak); a handle of `before` that ended meanwhile is not one.
 */
async function liveHandles(before?: string[]): Promise<string[]> {
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 2));
    if (before === undefined || extra(handles(), before).length === 0) break;
  }
  return before === undefined ? handles() : extra(handles(), before);
}

describe("Node adapter on loopback (port 0)", () => {
  it("answers a Binding request over UDP and leaves nothing open after close()", async () => {
    const before = await liveHandles();
    const server = await startStunServer({ address: "127.0.0.1", port: 0 });
    const r = await stunBindingRequest(server.udpAddresses[0]!, { localAddress: "127.0.0.1" });
    expect(r.mappedAddress).toEqual(r.localAddress);
    expect(r.rttMs).toBeGreaterThanOrEqual(0);
    expect(server.stats().udp.answered).toBe(1);
    await server.close();
    expect(await liveHandles(before)).toEqual([]);
  });

  it("answers over TCP, framing messages split across writes by their length (RFC 8489 §6.2.2)", async () => {
    const server = await startStunServer({ address: "127.0.0.1", port: 0 });
    const tcp = server.tcpAddress!;
    const requests = [1, 2].map((i) =>
      encodeStunMessage(
        { method: 1, class: "request", transactionId: new Uint8Array(12).fill(i), attributes: [] },
        { fingerprint: true },
      ),
    );
    const stream = new Uint8Array([...requests[0]!, ...requests[1]!]);
    const answers = await new Promise<Uint8Array[]>((resolve, reject) => {
      const sock = connect(tcp.port, tcp.address);
      const framer = new StunTcpFramer();
      const got: Uint8Array[] = [];
      sock.on("connect", () => {
        sock.write(stream.subarray(0, 7));
        setImmediate(() => sock.write(stream.subarray(7)));
      });
      sock.on("data", (d) => {
        framer.push(d);
        for (let f = framer.next(); f; f = framer.next()) got.push(f);
        if (got.length === 2) {
          sock.end();
          resolve(got);
        }
      });
      sock.on("error", reject);
    });
    const local = answers.map((a) => getAttribute(decodeStunMessage(a), XorMappedAddress));
    expect(local[0]?.address).toBe("127.0.0.1");
    expect(answers.map((a) => decodeStunMessage(a).transactionId[0])).toEqual([1, 2]);
    expect(server.stats().tcp?.answered).toBe(2);
    await server.close();
  });

  it("short-term auth end to end: signed query accepted, wrong password rejected with 401", async () => {
    const server = await startStunServer({
      address: "127.0.0.1",
      port: 0,
      tcp: false,
      crypto: nodeCrypto,
      auth: { mechanism: "short-term", lookup: (u) => (u === "u1" ? "p1" : undefined) },
    });
    const to = server.udpAddresses[0]!;
    await expect(
      stunBindingRequest(to, { username: "u1", password: "p1", crypto: nodeCrypto }),
    ).resolves.toMatchObject({
      mappedAddress: { address: "127.0.0.1" },
    });
    await expect(
      stunBindingRequest(to, { username: "u1", password: "bad", crypto: nodeCrypto }),
    ).rejects.toThrow(/401/);
    await server.close();
  });

  it("long-term credentials over loopback: 401, then SHA-256 key and USERHASH; a redirecting server's signed 300 names the alternate", async () => {
    const auth = {
      mechanism: "long-term" as const,
      realm: "loop.example",
      lookup: (u: string) => (u === "u1" ? "p1" : undefined),
      userhash: (h: Uint8Array) =>
        toHex(h) === toHex(stunUserhash("u1", "loop.example", nodeCrypto)) ? "u1" : undefined,
    };
    const server = await startStunServer({
      address: "127.0.0.1",
      port: 0,
      tcp: false,
      crypto: nodeCrypto,
      auth,
    });
    const to = server.udpAddresses[0]!;
    const creds = { username: "u1", password: "p1", crypto: nodeCrypto, longTerm: true };
    await expect(stunBindingRequest(to, creds)).resolves.toMatchObject({
      mappedAddress: { address: "127.0.0.1" },
    });
    expect(server.stats().udp).toMatchObject({ answered: 1, unauthenticated: 1 });
    await expect(stunBindingRequest(to, { ...creds, password: "bad" })).rejects.toThrow(
      /401.*rejected/,
    );
    await server.close();
    const redirecting = await startStunServer({
      address: "127.0.0.1",
      port: 0,
      tcp: false,
      crypto: nodeCrypto,
      auth,
      alternateServer: { server: { address: "127.0.0.2", port: 3478 } },
    });
    await expect(stunBindingRequest(redirecting.udpAddresses[0]!, creds)).rejects.toThrow(
      /300 Try Alternate \(try 127\.0\.0\.2:3478\)/,
    );
    await redirecting.close();
  });

  it("times out as an error (short retransmission) when nobody answers, and closes its socket", async () => {
    const server = await startStunServer({ address: "127.0.0.1", port: 0, tcp: false });
    const port = server.udpAddresses[0]!.port;
    await server.close();
    const before = await liveHandles();
    await expect(
      stunBindingRequest(
        { address: "127.0.0.1", port },
        { transaction: { initialRtoMs: 20, requestCount: 2, finalWaitFactor: 1 } },
      ),
    ).rejects.toThrow(/timed out/);
    expect(await liveHandles(before)).toEqual([]);
  });

  it("RFC 5780 server on 127.0.0.1 + 127.0.0.2: discovery reports no NAT, open filtering, hairpinning", async () => {
    const server = await startStunServer({
      address: "127.0.0.1",
      port: 0,
      alternate: { address: "127.0.0.2", port: 0 },
    });
    expect(server.udpAddresses).toHaveLength(4);
    const report = await discoverNatBehavior(server.udpAddresses[0]!, {
      transaction: { initialRtoMs: 50, requestCount: 3, finalWaitFactor: 2 },
    });
    expect(report).toMatchObject({
      natDetected: false,
      mapping: "endpoint-independent",
      filtering: "endpoint-independent",
      hairpinning: true,
      otherAddress: server.udpAddresses[1],
      error: undefined,
    });
    await server.close();
  });

  it("the signed request of a client verifies with the same key (integration of codec and adapter)", () => {
    const key = StunIntegrityKey.shortTerm("p", nodeCrypto);
    const m = decodeStunMessage(
      encodeStunMessage(
        {
          method: 1,
          class: "request",
          transactionId: new Uint8Array(12),
          attributes: [attr(Username, "u")],
        },
        { integrity: key },
      ),
    );
    expect(verifyMessageIntegrity(m, key)).toBe(true);
  });
});
