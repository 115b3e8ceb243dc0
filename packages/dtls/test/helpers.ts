import { type Millis, seededRng } from "@purertc/common";
import {
  type CryptoProvider,
  fingerprint,
  type GeneratedCertificate,
  generateCertificate,
  type RsaKeyPair,
} from "@purertc/crypto";
import { defaultCrypto } from "@purertc/crypto/default";
import { nodeCrypto } from "@purertc/crypto/node";
import { type LinkConditions, pair } from "@purertc/testkit";
import { type DtlsConfig, DtlsEndpoint, type DtlsEvent } from "../src/index.js";

const certCache = new Map<string, GeneratedCertificate>();

/** A self-signed ECDSA P-256 certificate (cached per name: key generation is the slow part). */
export function testCertificate(
  name: string,
  crypto: CryptoProvider = defaultCrypto,
): GeneratedCertificate {
  let c = certCache.get(name);
  if (c === undefined) {
    c = generateCertificate(crypto, { commonName: name, now: Date.UTC(2025, 0, 1) });
    certCache.set(name, c);
  }
  return c;
}

const rsaCache = new Map<string, GeneratedCertificate<RsaKeyPair>>();

/** A self-signed RSA 2048 certificate (node key generation; cached per name). */
export function testRsaCertificate(name: string): GeneratedCertificate<RsaKeyPair> {
  let c = rsaCache.get(name);
  if (c === undefined) {
    c = generateCertificate(nodeCrypto, {
      commonName: name,
      now: Date.UTC(2025, 0, 1),
      algorithm: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048 },
    });
    rsaCache.set(name, c);
  }
  return c;
}

export function sha256Fingerprint(der: Uint8Array): { algorithm: string; value: string } {
  return { algorithm: "sha-256", value: fingerprint(defaultCrypto, der, "sha-256") };
}

export interface SimPairOptions {
  readonly seed?: number;
  readonly link?: Partial<LinkConditions>;
  readonly client?: Partial<DtlsConfig>;
  readonly server?: Partial<DtlsConfig>;
}

/** A client (host a, 10.0.0.1) and server (host b, 10.0.0.2) that expect each other's certificates. */
export function simPair(options: SimPairOptions = {}) {
  const clientCert = testCertificate("client");
  const serverCert = testCertificate("server");
  const seed = options.seed ?? 1;
  const client = new DtlsEndpoint({
    role: "client",
    certificate: clientCert,
    remoteFingerprints: [sha256Fingerprint(serverCert.der)],
    remoteAddress: { address: "10.0.0.2", port: 5000 },
    rng: seededRng(seed * 2 + 1),
    ...options.client,
  });
  const server = new DtlsEndpoint({
    role: "server",
    certificate: serverCert,
    remoteFingerprints: [sha256Fingerprint(clientCert.der)],
    rng: seededRng(seed * 2 + 2),
    ...options.server,
  });
  const p = pair<DtlsEvent, DtlsEvent>(client, server, {
    seed,
    link: options.link ?? {},
    timeoutMs: 600_000,
  });
  return { ...p, client, server };
}

/** Events of one type from a driven endpoint's log. */
export function eventsOf<T extends DtlsEvent["type"]>(
  log: readonly { at: Millis; event: DtlsEvent }[],
  type: T,
): Extract<DtlsEvent, { type: T }>[] {
  return log
    .map((e) => e.event)
    .filter((e): e is Extract<DtlsEvent, { type: T }> => e.type === type);
}

export function isConnected(log: readonly { event: DtlsEvent }[]): boolean {
  return log.some((e) => e.event.type === "connected");
}
