import { utf8Decode, utf8Encode } from "@purertc/common";
import { nobleCrypto } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { describe, expect, it } from "vitest";
import {
  CipherSuite,
  DTLS_SRTP_EXPORTER_LABEL,
  type DtlsCertificate,
  type DtlsEndpoint,
  decodeHandshakeFragments,
  decodeRecords,
  SignatureScheme,
} from "../../src/index.js";
import {
  eventsOf,
  isConnected,
  sha256Fingerprint,
  simPair,
  testCertificate,
  testRsaCertificate,
} from "../helpers.js";

/** simPair with the given certificates on each side (fingerprints follow them). */
function pairWith(
  clientCert: DtlsCertificate,
  serverCert: DtlsCertificate,
  extra: Parameters<typeof simPair>[0] = {},
) {
  return simPair({
    ...extra,
    client: {
      certificate: clientCert,
      remoteFingerprints: [sha256Fingerprint(serverCert.der)],
      ...extra.client,
    },
    server: {
      certificate: serverCert,
      remoteFingerprints: [sha256Fingerprint(clientCert.der)],
      ...extra.server,
    },
  });
}

function connect(p: ReturnType<typeof simPair>) {
  p.client.start(p.driver.now);
  p.driver.runUntil(
    () =>
      (isConnected(p.a.events) && isConnected(p.b.events)) ||
      eventsOf(p.a.events, "failed").length + eventsOf(p.b.events, "failed").length > 0,
  );
  expect(eventsOf(p.a.events, "failed")).toEqual([]);
  expect(eventsOf(p.b.events, "failed")).toEqual([]);
  const client = eventsOf(p.a.events, "connected")[0]!;
  const server = eventsOf(p.b.events, "connected")[0]!;
  expect(p.client.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, 60)).toEqual(
    p.server.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, 60),
  );
  p.client.send(utf8Encode("ping"));
  p.driver.runUntil(() => eventsOf(p.b.events, "data").length > 0);
  expect(utf8Decode(eventsOf(p.b.events, "data")[0]!.data)).toBe("ping");
  return { client, server };
}

/** The signature schemes in the handshake messages a side sent (ServerKeyExchange / CertificateVerify). */
function signedSchemes(sent: readonly Uint8Array[], msgType: number): number[] {
  const out: number[] = [];
  for (const d of sent) {
    for (const r of decodeRecords(d)) {
      if (r.contentType !== 22 || r.epoch !== 0) continue;
      for (const f of decodeHandshakeFragments(r.fragment)) {
        if (f.msgType !== msgType || f.fragmentOffset !== 0) continue;
        // ServerKeyExchange: curve_type(1) group(2) len(1) point, then the scheme; CertificateVerify: scheme first.
        const at = msgType === 12 ? 4 + (f.body[3] as number) : 0;
        out.push(((f.body[at] as number) << 8) | (f.body[at + 1] as number));
      }
    }
  }
  return out;
}

/** Records a copy of every datagram `endpoint` hands out. */
function captureSent(endpoint: DtlsEndpoint): Uint8Array[] {
  const sent: Uint8Array[] = [];
  const poll = endpoint.pollTransmit.bind(endpoint);
  endpoint.pollTransmit = () => {
    const t = poll();
    if (t) sent.push(t.data.slice());
    return t;
  };
  return sent;
}

const RSA_SUITES = [
  CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
  CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
];

describe("RSA certificates on our side (RFC 5246 §7.4.3, §7.4.8; rsa_pkcs1_sha256)", () => {
  const rsaClient = testRsaCertificate("rsa-client");
  const rsaServer = testRsaCertificate("rsa-server");
  const ecClient = testCertificate("client");
  const ecServer = testCertificate("server");

  for (const suite of RSA_SUITES) {
    it(`RSA on both sides negotiates TLS_ECDHE_RSA suite 0x${suite.toString(16)} and carries data`, () => {
      const p = pairWith(rsaClient, rsaServer, { client: { cipherSuites: [suite] } });
      const { client, server } = connect(p);
      expect(client.cipherSuiteId).toBe(suite);
      expect(server.peerCertificate).toEqual(rsaClient.der);
      expect(client.peerCertificate).toEqual(rsaServer.der);
    });
  }

  it("an RSA server picks an ECDHE_RSA suite from the full default offer and signs ServerKeyExchange with rsa_pkcs1_sha256", () => {
    const p = pairWith(ecClient, rsaServer);
    const sent = captureSent(p.server);
    const { client } = connect(p);
    expect(client.cipherSuite).toBe("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    expect(signedSchemes(sent, 12)).toContain(SignatureScheme.rsa_pkcs1_sha256);
  });

  it("an RSA client with an ECDSA server: ECDHE_ECDSA suite, client CertificateVerify with rsa_pkcs1_sha256", () => {
    const p = pairWith(rsaClient, ecServer);
    const sent = captureSent(p.client);
    const { server } = connect(p);
    expect(server.cipherSuite).toBe("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    expect(server.peerCertificate).toEqual(rsaClient.der);
    expect(signedSchemes(sent, 15)).toContain(SignatureScheme.rsa_pkcs1_sha256);
  });

  it("the portable backend signs with RSA (BigInt CRT) and the node backend verifies, both roles", () => {
    connect(
      pairWith(rsaClient, rsaServer, {
        client: { crypto: nobleCrypto },
        server: { crypto: nodeCrypto },
      }),
    );
    connect(
      pairWith(rsaClient, rsaServer, {
        client: { crypto: nodeCrypto },
        server: { crypto: nobleCrypto },
      }),
    );
  });

  it("completes with RSA on both sides at 20 % loss with reordering and duplication", () => {
    const p = pairWith(rsaClient, rsaServer, {
      seed: 7,
      link: { loss: 0.2, reorder: 0.2, duplicate: 0.1 },
    });
    expect(connect(p).client.cipherSuite).toMatch(/^TLS_ECDHE_RSA_/);
  });

  it("an RSA server refuses a client offering only ECDHE_ECDSA suites (handshake_failure, typed)", () => {
    const p = pairWith(ecClient, rsaServer, {
      client: { cipherSuites: [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] },
    });
    p.client.start(p.driver.now);
    p.driver.runUntil(() => eventsOf(p.b.events, "failed").length > 0);
    expect(eventsOf(p.b.events, "failed")[0]!.reason).toBe("negotiation-failed");
    expect(isConnected(p.a.events)).toBe(false);
  });

  it("an ECDSA-only server config (no RSA suites) cannot be chosen with an RSA key", () => {
    const p = pairWith(ecClient, rsaServer, {
      server: { cipherSuites: [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] },
    });
    p.client.start(p.driver.now);
    p.driver.runUntil(() => eventsOf(p.b.events, "failed").length > 0);
    expect(eventsOf(p.b.events, "failed")[0]!.message).toMatch(/no cipher suite/);
  });
});
