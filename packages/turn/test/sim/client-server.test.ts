import { toBase64, utf8Encode } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { encodeStunMessage, StunMethod } from "@purertc/stun";
import { describe, expect, it } from "vitest";
import { PEER, SERVER, SERVER_IP, world } from "./harness.js";

const bytes = (s: string) => utf8Encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function allocated(events: () => { type: string }[]) {
  return () => events().some((e) => e.type === "allocated" || e.type === "failed");
}

describe("TURN client ↔ server in simulated time", () => {
  it("RFC 8656 §7: allocates after the 401 realm/nonce exchange and relays via Send/Data indications", () => {
    const w = world();
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    const ev = events().find((e) => e.type === "allocated");
    expect(ev?.type).toBe("allocated");
    if (ev?.type !== "allocated") return;
    expect(ev.relayed).toEqual([{ address: SERVER_IP, port: 49152 }]);
    expect(ev.mapped).toEqual({ address: "192.0.2.10", port: 5000 });
    expect(ev.lifetimeMs).toBe(600_000);
    expect(client.realm).toBe("example.org");
    // 401 first, then the authenticated Allocate.
    expect(w.core.stats().challenges).toBe(1);

    client.sendTo(w.driver.now, PEER, bytes("hello"));
    w.driver.runUntil(() => events().some((e) => e.type === "data"));
    expect(w.peer.received[0]!.from).toEqual({ address: SERVER_IP, port: 49152 });
    const data = events().find((e) => e.type === "data");
    expect(data?.type === "data" && text(data.data)).toBe("hello");
    expect(data?.type === "data" && data.channel).toBeUndefined();
    expect(client.stats().sendIndicationsSent).toBe(1);
  });

  it("leaves STUN responses to other transactions on a shared socket (an ICE gatherer's Binding to the same server) unclaimed", () => {
    const w = world();
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    const foreign = encodeStunMessage({
      method: StunMethod.Binding,
      class: "success",
      transactionId: new Uint8Array(12).fill(7),
      attributes: [],
    });
    expect(client.handleDatagram(w.driver.now, { from: SERVER, data: foreign })).toBe(false);
    const indication = encodeStunMessage({
      method: StunMethod.Binding,
      class: "indication",
      transactionId: new Uint8Array(12).fill(8),
      attributes: [],
    });
    expect(client.handleDatagram(w.driver.now, { from: SERVER, data: indication })).toBe(false);
    expect(events().some((e) => e.type === "failed")).toBe(false);
  });

  it("RFC 8656 §12: ChannelData once the channel is bound, both directions", () => {
    const w = world();
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    const n = client.bindChannel(w.driver.now, PEER);
    expect(n).toBe(0x4000);
    w.driver.runUntil(() => events().some((e) => e.type === "channel-bound"));
    client.sendTo(w.driver.now, PEER, bytes("via channel"));
    w.driver.runUntil(() => events().some((e) => e.type === "data"));
    const data = events().find((e) => e.type === "data");
    expect(data?.type === "data" && data.channel).toBe(0x4000);
    expect(data?.type === "data" && text(data.data)).toBe("via channel");
    expect(client.stats().channelDataSent).toBe(1);
    expect(client.stats().channelDataReceived).toBe(1);
  });

  it("RFC 8656 §7.2: 438 Stale Nonce is retried with the new nonce and permissions stay alive", () => {
    const w = world({ nonceLifetimeMs: 60_000 });
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    client.createPermission(w.driver.now, PEER);
    w.driver.runUntil(() => events().some((e) => e.type === "permission-created"));
    w.driver.runFor(15 * 60_000);
    expect(client.stats().staleNonceRetries).toBeGreaterThan(0);
    expect(w.core.stats().staleNonces).toBeGreaterThan(0);
    expect(events().some((e) => e.type === "failed" || e.type === "permission-failed")).toBe(false);
    // The permission was refreshed (RFC 8656 §9: 5-minute lifetime): the peer still gets through.
    w.peer.send({ address: SERVER_IP, port: 49152 }, bytes("late"));
    w.driver.runUntil(() => events().some((e) => e.type === "data"));
  });

  it("RFC 8656 §8: Refresh keeps a short-lifetime allocation alive for an hour", () => {
    const w = world({ defaultLifetimeMs: 60_000 });
    const { client, events } = w.addClient({ lifetimeMs: 60_000 });
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    w.driver.runFor(3_600_000);
    expect(events().filter((e) => e.type === "refreshed").length).toBeGreaterThanOrEqual(59);
    expect(w.core.stats().allocations).toBe(1);
    expect(w.core.stats().allocationsExpired).toBe(0);
  });

  it("RFC 8656 §7: an allocation the client stops refreshing expires, and its relay is released", () => {
    const w = world({ defaultLifetimeMs: 60_000 });
    const { client, events } = w.addClient({ lifetimeMs: 60_000 });
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    w.sim.setLink("client1", "server", { loss: 1 });
    w.driver.runFor(70_000);
    expect(w.core.stats().allocations).toBe(0);
    expect(w.core.stats().allocationsExpired).toBe(1);
    const released = w.sd.events.map((e) => e.event).filter((e) => e.type === "relay-released");
    expect(released).toHaveLength(1);
    w.driver.runFor(120_000);
    expect(events().some((e) => e.type === "failed")).toBe(true);
  });

  it("RFC 8656 §9: a permission nobody refreshes expires after 5 minutes; peer data is then dropped", () => {
    const w = world();
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    client.createPermission(w.driver.now, PEER);
    w.driver.runUntil(() => events().some((e) => e.type === "permission-created"));
    expect(w.core.stats(w.driver.now).permissions).toBe(1);
    // Cut only the client's refreshes of the permission: stop its timers by dropping its link.
    w.sim.setLink("client1", "server", { loss: 1 });
    w.driver.runFor(301_000);
    expect(w.core.stats(w.driver.now).permissions).toBe(0);
    const before = w.core.stats().droppedNoPermission;
    w.peer.send({ address: SERVER_IP, port: 49152 }, bytes("blocked"));
    w.driver.runFor(1000);
    expect(w.core.stats().droppedNoPermission).toBe(before + 1);
  });

  it("RFC 8656 §11: channel bindings are refreshed before 10 minutes (30 minutes of traffic)", () => {
    const w = world();
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    client.bindChannel(w.driver.now, PEER);
    w.driver.runUntil(() => events().some((e) => e.type === "channel-bound"));
    w.driver.runFor(30 * 60_000);
    expect(w.core.stats(w.driver.now).channels).toBe(1);
    client.sendTo(w.driver.now, PEER, bytes("still bound"));
    w.driver.runUntil(() => events().some((e) => e.type === "data"));
    const data = events().find((e) => e.type === "data");
    expect(data?.type === "data" && data.channel).toBe(0x4000);
    expect(client.stats().channelDataSent).toBe(1);
  });

  it("486 Allocation Quota Reached past the per-user quota; another user is unaffected", () => {
    const w = world({ maxAllocationsPerUser: 1 });
    const a = w.addClient();
    const b = w.addClient();
    const c = w.addClient({ username: "bob", password: "hunter2" });
    a.client.allocate(w.driver.now);
    w.driver.runUntil(allocated(a.events));
    b.client.allocate(w.driver.now);
    c.client.allocate(w.driver.now);
    w.driver.runUntil(() => allocated(b.events)() && allocated(c.events)());
    const failed = b.events().find((e) => e.type === "failed");
    expect(failed?.type === "failed" && failed.error.code).toBe(486);
    expect(c.client.state).toBe("allocated");
    expect(w.core.stats().quotaRejections).toBe(1);
  });

  it("486 past the total quota", () => {
    const w = world({ maxAllocations: 1 });
    const a = w.addClient();
    const b = w.addClient({ username: "bob", password: "hunter2" });
    a.client.allocate(w.driver.now);
    w.driver.runUntil(allocated(a.events));
    b.client.allocate(w.driver.now);
    w.driver.runUntil(allocated(b.events));
    expect(b.client.state).toBe("failed");
  });

  it("403 for peers in denied ranges (private, loopback) by default; queued data is dropped", () => {
    const w = world();
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    for (const ip of ["10.1.2.3", "127.0.0.1", "169.254.1.1", "224.0.0.1", "0.0.0.0"]) {
      client.sendTo(w.driver.now, { address: ip, port: 1 }, bytes("x"));
    }
    w.driver.runUntil(() => events().filter((e) => e.type === "permission-failed").length === 5);
    for (const e of events()) if (e.type === "permission-failed") expect(e.error.code).toBe(403);
    expect(w.core.stats().deniedPeers).toBe(5);
    expect(client.stats().dropped).toBe(5);
  });

  it("allowedPeers opens a denied range", () => {
    const w = world({ allowedPeers: ["10.0.0.0/8"] });
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    client.createPermission(w.driver.now, { address: "10.1.2.3", port: 1 });
    w.driver.runUntil(() => events().some((e) => e.type === "permission-created"));
  });

  it("401 for a wrong password and for an unknown user, identically", () => {
    const w = world();
    const a = w.addClient({ password: "wrong" });
    const b = w.addClient({ username: "mallory", password: "x" });
    a.client.allocate(w.driver.now);
    b.client.allocate(w.driver.now);
    w.driver.runUntil(() => allocated(a.events)() && allocated(b.events)());
    for (const c of [a, b]) {
      const f = c.events().find((e) => e.type === "failed");
      expect(f?.type === "failed" && f.error.code).toBe(401);
      expect(f?.type === "failed" && f.error.reason).toBe("Unauthenticated");
    }
    expect(w.core.stats().authFailures).toBe(2);
  });

  it("coturn REST credentials: expiry:user with base64(HMAC-SHA1(secret, username)); expired ones get 401", () => {
    const secret = "s3cret";
    const epoch = 1_700_000_000_000;
    const w = world({ restSecrets: ["old", secret], epochOffsetMs: epoch });
    const cred = (expiryS: number, user: string) => {
      const username = `${expiryS}:${user}`;
      const mac = nobleCrypto.hmac("sha1", utf8Encode(secret), utf8Encode(username));
      return { username, password: toBase64(mac) };
    };
    const good = w.addClient(cred(epoch / 1000 + 3600, "carol"));
    const expired = w.addClient(cred(epoch / 1000 - 1, "dave"));
    good.client.allocate(w.driver.now);
    expired.client.allocate(w.driver.now);
    w.driver.runUntil(() => allocated(good.events)() && allocated(expired.events)());
    expect(good.client.state).toBe("allocated");
    const f = expired.events().find((e) => e.type === "failed");
    expect(f?.type === "failed" && f.error.code).toBe(401);
    expect(w.core.stats().expiredCredentials).toBe(1);
    // The lifetime never outlives the credential (coturn#1204): capped at its 3600 s.
    const ev = good.events().find((e) => e.type === "allocated");
    expect(ev?.type === "allocated" && ev.lifetimeMs).toBeLessThanOrEqual(600_000);
  });

  it("RFC 8656 §8: close() deallocates (Refresh LIFETIME 0) and the server releases the relay", () => {
    const w = world();
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    client.close(w.driver.now);
    w.driver.runUntil(() => events().some((e) => e.type === "closed"));
    expect(w.core.stats().allocations).toBe(0);
    expect(w.sd.events.some((e) => e.event.type === "allocation-deleted")).toBe(true);
    expect(client.pollTimeout()).toBeUndefined();
  });

  it("RFC 8656 §7 dual stack: ADDITIONAL-ADDRESS-FAMILY yields an IPv4 and an IPv6 relayed address", () => {
    const w = world();
    const { client, events } = w.addClient({ addressFamily: "dual" });
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    expect(client.relayedAddresses.map((a) => a.address)).toEqual([SERVER_IP, "2001:db8::1"]);
  });

  it("allocates and relays at 20% loss", () => {
    const w = world({}, { loss: 0.2, seed: 7 });
    const { client, events } = w.addClient();
    client.allocate(w.driver.now);
    w.driver.runUntil(allocated(events));
    expect(client.state).toBe("allocated");
    client.bindChannel(w.driver.now, PEER);
    w.driver.runUntil(() => events().some((e) => e.type === "channel-bound"));
  });

  it("two clients of the same server reach each other through their relays", () => {
    const w = world({ allowedPeers: [] });
    const a = w.addClient();
    const b = w.addClient({ username: "bob", password: "hunter2" });
    a.client.allocate(w.driver.now);
    b.client.allocate(w.driver.now);
    w.driver.runUntil(() => allocated(a.events)() && allocated(b.events)());
    const ra = a.client.relayedAddresses[0]!;
    const rb = b.client.relayedAddresses[0]!;
    b.client.createPermission(w.driver.now, ra);
    w.driver.runUntil(() => b.events().some((e) => e.type === "permission-created"));
    a.client.sendTo(w.driver.now, rb, bytes("hi b"));
    w.driver.runUntil(() => b.events().some((e) => e.type === "data"));
    const d = b.events().find((e) => e.type === "data");
    expect(d?.type === "data" && d.peer).toEqual(ra);
  });
});
