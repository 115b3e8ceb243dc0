import { utf8Decode, utf8Encode } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { describe, expect, it } from "vitest";
import {
  CipherSuite,
  DTLS_SRTP_EXPORTER_LABEL,
  decodeHandshakeFragments,
  decodeRecords,
  NamedGroup,
  SrtpProtectionProfile,
} from "../../src/index.js";
import { eventsOf, isConnected, sha256Fingerprint, simPair, testCertificate } from "../helpers.js";

function connect(p: ReturnType<typeof simPair>) {
  p.client.start(p.driver.now);
  p.driver.runUntil(() => isConnected(p.a.events) && isConnected(p.b.events));
  return {
    client: eventsOf(p.a.events, "connected")[0]!,
    server: eventsOf(p.b.events, "connected")[0]!,
  };
}

function exchange(p: ReturnType<typeof simPair>) {
  p.client.send(utf8Encode("ping"));
  p.driver.runUntil(() => eventsOf(p.b.events, "data").length > 0);
  expect(utf8Decode(eventsOf(p.b.events, "data")[0]!.data)).toBe("ping");
  p.server.send(utf8Encode("pong"));
  p.driver.runUntil(() => eventsOf(p.a.events, "data").length > 0);
  expect(utf8Decode(eventsOf(p.a.events, "data")[0]!.data)).toBe("pong");
}

describe("DTLS 1.2 handshake in simulated time", () => {
  it("RFC 6347 §4.2: full handshake with cookie exchange, mutual auth, SRTP profile and data both ways", () => {
    const p = simPair();
    const { client, server } = connect(p);
    expect(client.cipherSuite).toBe("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    expect(server.cipherSuite).toBe(client.cipherSuite);
    expect(client.namedGroup).toBe(NamedGroup.x25519);
    expect(client.srtpProfile).toBe(SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM);
    expect(server.srtpProfile).toBe(client.srtpProfile);
    expect(client.peerCertificate).toEqual(testCertificate("server").der);
    expect(server.peerCertificate).toEqual(testCertificate("client").der);
    // RFC 5764 §4.2: both sides export the same SRTP keying material.
    expect(p.client.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, 88)).toEqual(
      p.server.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, 88),
    );
    exchange(p);
  });

  const ecdsaSuites = [
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
  ];
  for (const suite of ecdsaSuites) {
    for (const group of [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1]) {
      it(`negotiates suite 0x${suite.toString(16)} with group ${group} and carries data`, () => {
        const p = simPair({
          client: { cipherSuites: [suite], namedGroups: [group] },
          server: { namedGroups: [group] },
        });
        const { client, server } = connect(p);
        expect(client.cipherSuiteId).toBe(suite);
        expect(server.cipherSuiteId).toBe(suite);
        expect(server.namedGroup).toBe(group);
        exchange(p);
      });
    }
  }

  it("the portable @noble backend interoperates with the node:crypto backend, every suite", () => {
    for (const suite of ecdsaSuites) {
      const p = simPair({
        client: { crypto: nobleCrypto, cipherSuites: [suite] },
        server: { crypto: nodeCrypto },
      });
      expect(connect(p).server.cipherSuiteId).toBe(suite);
      expect(p.client.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, 60)).toEqual(
        p.server.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, 60),
      );
      exchange(p);
    }
  });

  it("a server that does not require a client certificate connects without one", () => {
    const p = simPair({ server: { requireClientCertificate: false } });
    const { client, server } = connect(p);
    expect(server.peerCertificate).toBeUndefined();
    expect(client.peerCertificate).toEqual(testCertificate("server").der);
    exchange(p);
  });

  it("server preference order picks the suite when the client offers several", () => {
    const p = simPair({
      server: {
        cipherSuites: [
          CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
          CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ],
      },
    });
    expect(connect(p).client.cipherSuite).toBe("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
  });

  it("RFC 5764 §4.1.1: server picks its preferred SRTP profile among the client's and echoes the MKI", () => {
    const mki = Uint8Array.of(1, 2, 3);
    const p = simPair({
      client: {
        srtpProfiles: [
          SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
          SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
        ],
        srtpMki: mki,
      },
    });
    const { client, server } = connect(p);
    expect(client.srtpProfile).toBe(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);
    expect(server.srtpMki).toEqual(mki);
    expect(client.srtpMki).toEqual(mki);
  });

  it("no use_srtp when the client offers none", () => {
    const p = simPair({ client: { srtpProfiles: [] } });
    expect(connect(p).server.srtpProfile).toBeUndefined();
  });

  it("handshake without HelloVerifyRequest when the server disables cookies", () => {
    const p = simPair({ server: { helloVerify: false } });
    connect(p);
    // Flights 1, 3 (4 datagrams at most), no HVR round trip: the client sent one ClientHello.
    expect(p.client.stats().retransmissions).toBe(0);
    exchange(p);
  });

  it("RFC 6347 §4.1.1: at MTU 576 every datagram fits and the server flight spans several datagrams", () => {
    const p = simPair({ client: { mtu: 548 }, server: { mtu: 548 }, link: { mtu: 576 } });
    const sizes: number[] = [];
    p.sim.addTap((r) => {
      if (r.kind === "sent") sizes.push(r.data.byteLength);
    });
    connect(p);
    exchange(p);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(548);
    expect(sizes.filter((n) => n > 400).length).toBeGreaterThanOrEqual(2);
    expect(p.sim.stats().dropped.mtu).toBe(0);
  });

  it("RFC 6347 §4.1: application data up to 2^14 bytes goes as one record in one datagram while the handshake stays within the MTU", () => {
    const p = simPair({ link: { mtu: 20_000 } });
    const sizes: number[] = [];
    p.sim.addTap((r) => {
      if (r.kind === "sent") sizes.push(r.data.byteLength);
    });
    connect(p);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1200); // the handshake: config.mtu
    sizes.length = 0;
    const big = new Uint8Array(16384).map((_, i) => (i * 7) & 255);
    p.client.send(big);
    p.driver.runUntil(() => eventsOf(p.b.events, "data").length > 0);
    expect(eventsOf(p.b.events, "data")[0]!.data).toEqual(big);
    // 13-byte header + 8-byte explicit nonce + 16-byte tag (AES-GCM, RFC 5288 §3).
    expect(sizes).toEqual([16384 + 37]);
    expect(() => p.client.send(new Uint8Array(16385))).toThrow(RangeError);
  });

  it("a received record longer than 2^14 + 2048 bytes (RFC 5246 §6.2.3) is dropped without decryption", () => {
    const p = simPair({ link: { mtu: 20_000 } });
    connect(p);
    const header = Uint8Array.of(23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 99, 0x48, 0x01);
    const datagram = new Uint8Array(13 + 0x4801);
    datagram.set(header);
    const before = p.server.stats().malformedDropped;
    p.server.handleDatagram(p.driver.now, {
      from: { address: "10.0.0.1", port: 5000 },
      data: datagram,
    });
    expect(p.server.stats().malformedDropped).toBe(before + 1);
    expect(p.server.state).toBe("connected");
  });

  it("RFC 6347 §4.2.3: at MTU 200 the certificate and other large messages are fragmented, and it completes", () => {
    const p = simPair({ client: { mtu: 200 }, server: { mtu: 200 } });
    const sizes: number[] = [];
    const fragmentedTypes = new Set<number>();
    p.sim.addTap((r) => {
      if (r.kind !== "sent") return;
      sizes.push(r.data.byteLength);
      for (const rec of decodeRecords(r.data)) {
        if (rec.contentType !== 22 || rec.epoch !== 0) continue;
        for (const f of decodeHandshakeFragments(rec.fragment))
          if (f.body.byteLength < f.length) fragmentedTypes.add(f.msgType);
      }
    });
    connect(p);
    exchange(p);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(200);
    expect(fragmentedTypes.has(11)).toBe(true);
  });

  it("NSS key log lines are emitted when enabled and agree between both sides", () => {
    const p = simPair({ client: { keyLog: true }, server: { keyLog: true } });
    connect(p);
    const a = eventsOf(p.a.events, "keylog");
    const b = eventsOf(p.b.events, "keylog");
    expect(a).toHaveLength(1);
    expect(a[0]!.line).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    expect(b[0]!.line).toBe(a[0]!.line);
  });

  it("RFC 5246 §7.2.1: close_notify from the client closes both sides", () => {
    const p = simPair();
    connect(p);
    p.client.close();
    p.driver.runUntil(() => eventsOf(p.b.events, "closed").length > 0);
    expect(eventsOf(p.b.events, "closed")[0]!.initiator).toBe("peer");
    expect(eventsOf(p.a.events, "closed")[0]!.initiator).toBe("local");
    expect(p.server.state).toBe("closed");
  });

  it("RFC 5246 §7.2.1: close_notify from the server closes both sides", () => {
    const p = simPair();
    connect(p);
    p.server.close();
    p.driver.runUntil(() => eventsOf(p.a.events, "closed").length > 0);
    expect(eventsOf(p.a.events, "closed")[0]!.initiator).toBe("peer");
    expect(p.client.state).toBe("closed");
  });
});

describe("fingerprint verification (RFC 8122 §5, RFC 8827 §6.5)", () => {
  it("a server certificate that matches no expected fingerprint fails the client with bad_certificate", () => {
    const wrong = sha256Fingerprint(testCertificate("someone-else").der);
    const p = simPair({ client: { remoteFingerprints: [wrong] } });
    p.client.start(p.driver.now);
    p.driver.runUntil(
      () => eventsOf(p.a.events, "failed").length > 0 && eventsOf(p.b.events, "failed").length > 0,
    );
    const fa = eventsOf(p.a.events, "failed")[0]!;
    expect(fa.reason).toBe("fingerprint-mismatch");
    expect(fa.alert).toBe(42);
    expect(eventsOf(p.b.events, "failed")[0]!.alert).toBe(42);
    expect(isConnected(p.a.events) || isConnected(p.b.events)).toBe(false);
  });

  it("a client certificate that matches no expected fingerprint fails the server before it completes", () => {
    const wrong = {
      algorithm: "sha-1",
      value: "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33",
    };
    const p = simPair({ server: { remoteFingerprints: [wrong] } });
    p.client.start(p.driver.now);
    p.driver.runUntil(
      () => eventsOf(p.b.events, "failed").length > 0 && eventsOf(p.a.events, "failed").length > 0,
    );
    expect(eventsOf(p.b.events, "failed")[0]!.reason).toBe("fingerprint-mismatch");
    expect(eventsOf(p.a.events, "failed")[0]!.reason).toBe("peer-alert");
    expect(isConnected(p.a.events) || isConnected(p.b.events)).toBe(false);
  });

  it("any one of several fingerprints (other algorithms included) may match", () => {
    const server = testCertificate("server");
    const p = simPair({
      client: {
        remoteFingerprints: [
          { algorithm: "sha-512", value: "AA:BB" },
          { algorithm: "sha-384", value: "" },
          sha256Fingerprint(server.der),
        ],
      },
    });
    connect(p);
  });

  it("without fingerprints the handshake waits, then connects once matching ones are set", () => {
    const p = simPair({ client: { remoteFingerprints: [] } });
    p.client.start(p.driver.now);
    p.driver.runUntil(() => isConnected(p.b.events) && p.client.state === "awaiting-fingerprint");
    expect(isConnected(p.a.events)).toBe(false);
    expect(() => p.client.send(Uint8Array.of(1))).toThrow(TypeError);
    p.client.setRemoteFingerprints([sha256Fingerprint(testCertificate("server").der)]);
    p.driver.runUntil(() => isConnected(p.a.events));
  });

  it("late fingerprints that do not match fail with bad_certificate", () => {
    const p = simPair({ client: { remoteFingerprints: [] } });
    p.client.start(p.driver.now);
    p.driver.runUntil(() => p.client.state === "awaiting-fingerprint");
    p.client.setRemoteFingerprints([sha256Fingerprint(testCertificate("someone-else").der)]);
    p.driver.runUntil(
      () => eventsOf(p.a.events, "failed").length > 0 && p.server.state === "failed",
    );
    expect(eventsOf(p.a.events, "failed")[0]!.reason).toBe("fingerprint-mismatch");
    expect(isConnected(p.a.events)).toBe(false);
  });
});
