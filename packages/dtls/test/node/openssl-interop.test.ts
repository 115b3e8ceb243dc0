import { toHex, utf8Decode, utf8Encode } from "@purertc/common";
import { decodePemBlock, fingerprint } from "@purertc/crypto";
import { defaultCrypto } from "@purertc/crypto/default";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DTLS_SRTP_EXPORTER_LABEL,
  type DtlsEvent,
  SrtpProtectionProfile,
} from "../../src/index.js";
import { DtlsSocket } from "../../src/node/index.js";
import { testCertificate, testRsaCertificate } from "../helpers.js";
import {
  freeUdpPort,
  hasOpenSsl,
  OpenSslProcess,
  opensslCertificates,
  readPem,
} from "./openssl.js";

const available = hasOpenSsl();
if (!available)
  console.warn(
    "\n*** openssl is not installed: SKIPPING the DTLS OpenSSL interop tests (apt-get install openssl) ***\n",
  );

const EXPORT_LENGTH = 60;
const SRTP_NAMES: Record<number, string> = {
  [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80]: "SRTP_AES128_CM_SHA1_80",
  [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32]: "SRTP_AES128_CM_SHA1_32",
  [SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM]: "SRTP_AEAD_AES_128_GCM",
  [SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM]: "SRTP_AEAD_AES_256_GCM",
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function fingerprintOf(certPath: string) {
  const der = decodePemBlock(readPem(certPath), "CERTIFICATE");
  return { algorithm: "sha-256", value: fingerprint(defaultCrypto, der, "sha-256") };
}

/** Collects events of our socket and lets the test await one. */
function eventLog() {
  const events: DtlsEvent[] = [];
  const waiters: { pred: (e: DtlsEvent) => boolean; resolve: (e: DtlsEvent) => void }[] = [];
  return {
    events,
    onEvent(e: DtlsEvent) {
      events.push(e);
      for (const w of [...waiters]) {
        if (w.pred(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    },
    next(pred: (e: DtlsEvent) => boolean, ms = 10_000): Promise<DtlsEvent> {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching event; got ${events.map((e) => e.type)}`)),
          ms,
        );
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

interface Case {
  readonly name: string;
  readonly opensslCipher: string;
  readonly ourSuite: string;
  readonly cert: "ec" | "rsa";
  /** Our certificate's key: ECDSA P-256 (default) or RSA 2048. */
  readonly ours?: "ec" | "rsa";
  readonly srtp: number;
  readonly extra?: readonly string[];
  readonly mtu?: number;
  /** Our ECDHE groups (secp256r1 is always advertised for our certificate). */
  readonly groups?: readonly number[];
  /** openssl ends the session ("Q"): we must see its close_notify (s_client only). */
  readonly peerCloses?: boolean;
  /** We close first: openssl must see our close_notify. */
  readonly weClose?: boolean;
}

describe.skipIf(!available)("OpenSSL 3 interop (DTLS 1.2 over loopback UDP)", () => {
  let certs: ReturnType<typeof opensslCertificates>;
  beforeAll(() => {
    certs = opensslCertificates();
  });
  afterAll(() => certs?.cleanup());

  const asClient: Case[] = [
    {
      name: "ECDSA AES-128-GCM",
      opensslCipher: "ECDHE-ECDSA-AES128-GCM-SHA256",
      ourSuite: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      cert: "ec",
      srtp: SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
    },
    {
      name: "ECDSA AES-256-GCM",
      opensslCipher: "ECDHE-ECDSA-AES256-GCM-SHA384",
      ourSuite: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      cert: "ec",
      srtp: SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
      extra: ["-groups", "P-384:P-256"],
      groups: [24],
    },
    {
      name: "ECDSA ChaCha20-Poly1305",
      opensslCipher: "ECDHE-ECDSA-CHACHA20-POLY1305",
      ourSuite: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      cert: "ec",
      srtp: SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
      weClose: true,
    },
    {
      name: "RSA (PSS) AES-128-GCM",
      opensslCipher: "ECDHE-RSA-AES128-GCM-SHA256",
      ourSuite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      cert: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
    },
    {
      name: "RSA (PKCS#1) AES-256-GCM",
      opensslCipher: "ECDHE-RSA-AES256-GCM-SHA384",
      ourSuite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      cert: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
      extra: ["-sigalgs", "RSA+SHA256:ECDSA+SHA256"],
    },
    {
      name: "RSA ChaCha20-Poly1305 on P-256 at MTU 576",
      opensslCipher: "ECDHE-RSA-CHACHA20-POLY1305",
      ourSuite: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      cert: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
      extra: ["-groups", "P-256"],
      mtu: 548,
    },
    {
      name: "our RSA client cert (CertificateVerify rsa_pkcs1_sha256), ECDSA server, AES-128-GCM",
      opensslCipher: "ECDHE-ECDSA-AES128-GCM-SHA256",
      ourSuite: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      cert: "ec",
      ours: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    },
    {
      name: "RSA on both sides, AES-256-GCM",
      opensslCipher: "ECDHE-RSA-AES256-GCM-SHA384",
      ourSuite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      cert: "rsa",
      ours: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
    },
  ];

  const ourCertificate = (c: Case, role: "client" | "server") =>
    c.ours === "rsa" ? testRsaCertificate(`rsa-${role}`) : testCertificate(role);

  for (const c of asClient) {
    it(`we are the client, openssl s_server: ${c.name}, mutual auth, use_srtp, exporter matches`, async () => {
      const port = await freeUdpPort();
      const files = certs[c.cert];
      const server = new OpenSslProcess([
        "s_server",
        "-dtls1_2",
        "-accept",
        `127.0.0.1:${port}`,
        "-cert",
        files.cert,
        "-key",
        files.key,
        "-cipher",
        c.opensslCipher,
        "-Verify",
        "1",
        "-use_srtp",
        SRTP_NAMES[c.srtp]!,
        "-keymatexport",
        DTLS_SRTP_EXPORTER_LABEL,
        "-keymatexportlen",
        String(EXPORT_LENGTH),
        ...(c.extra ?? []),
      ]);
      const log = eventLog();
      let socket: DtlsSocket | undefined;
      try {
        await server.waitFor(/ACCEPT/);
        socket = await DtlsSocket.open({
          config: {
            role: "client",
            certificate: ourCertificate(c, "client"),
            remoteFingerprints: [fingerprintOf(files.cert)],
            initialRetransmitMs: 100,
            ...(c.groups ? { namedGroups: c.groups } : {}),
            ...(c.mtu ? { mtu: c.mtu } : {}),
          },
          onEvent: log.onEvent,
        });
        socket.start({ address: "127.0.0.1", port });
        const connected = await socket.connected();
        expect(connected.cipherSuite).toBe(c.ourSuite);
        expect(connected.srtpProfile).toBe(c.srtp);
        const km = (await server.waitFor(/Keying material: ([0-9A-F]+)/))[1]!;
        expect(
          toHex(
            socket.endpoint.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, EXPORT_LENGTH),
          ).toUpperCase(),
        ).toBe(km);
        socket.send(utf8Encode(`purertc says ${c.name}\n`));
        await server.waitFor(new RegExp(escapeRegExp(`purertc says ${c.name}`)));
        server.write("openssl says hello\n");
        const data = await log.next((e) => e.type === "data");
        expect(data.type === "data" && utf8Decode(data.data)).toBe("openssl says hello\n");
        if (c.groups) expect(connected.namedGroup).toBe(c.groups[0]);
        if (c.weClose) {
          await socket.close();
          await server.waitFor(/DONE/);
        }
      } finally {
        await socket?.close();
        await server.stop();
      }
    });
  }

  const asServer: Case[] = [
    {
      name: "ECDSA client cert, AES-128-GCM",
      opensslCipher: "ECDHE-ECDSA-AES128-GCM-SHA256",
      ourSuite: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      cert: "ec",
      srtp: SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    },
    {
      name: "RSA (PSS) client cert, AES-256-GCM",
      opensslCipher: "ECDHE-ECDSA-AES256-GCM-SHA384",
      ourSuite: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      cert: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
    },
    {
      name: "RSA (PKCS#1) client cert, ChaCha20-Poly1305, P-256, MTU 576",
      opensslCipher: "ECDHE-ECDSA-CHACHA20-POLY1305",
      ourSuite: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      cert: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
      extra: ["-client_sigalgs", "RSA+SHA256", "-groups", "P-256", "-mtu", "548"],
      mtu: 548,
      peerCloses: true,
    },
    {
      name: "our RSA cert (ServerKeyExchange rsa_pkcs1_sha256), ECDSA client cert, AES-128-GCM",
      opensslCipher: "ECDHE-RSA-AES128-GCM-SHA256",
      ourSuite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      cert: "ec",
      ours: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    },
    {
      name: "RSA on both sides, AES-256-GCM",
      opensslCipher: "ECDHE-RSA-AES256-GCM-SHA384",
      ourSuite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      cert: "rsa",
      ours: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
    },
    {
      name: "our RSA cert, ChaCha20-Poly1305, openssl offering only RSA+SHA256 signatures",
      opensslCipher: "ECDHE-RSA-CHACHA20-POLY1305",
      ourSuite: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      cert: "rsa",
      ours: "rsa",
      srtp: SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
      extra: ["-sigalgs", "RSA+SHA256"],
    },
  ];

  for (const c of asServer) {
    it(`we are the server, openssl s_client: ${c.name}, mutual auth, use_srtp, exporter matches`, async () => {
      const files = certs[c.cert];
      const log = eventLog();
      const socket = await DtlsSocket.open({
        config: {
          role: "server",
          certificate: ourCertificate(c, "server"),
          remoteFingerprints: [fingerprintOf(files.cert)],
          initialRetransmitMs: 100,
          ...(c.mtu ? { mtu: c.mtu } : {}),
        },
        onEvent: log.onEvent,
      });
      socket.start();
      const client = new OpenSslProcess([
        "s_client",
        "-dtls1_2",
        "-connect",
        `127.0.0.1:${socket.localAddress.port}`,
        "-cert",
        files.cert,
        "-key",
        files.key,
        "-cipher",
        c.opensslCipher,
        "-use_srtp",
        SRTP_NAMES[c.srtp]!,
        "-keymatexport",
        DTLS_SRTP_EXPORTER_LABEL,
        "-keymatexportlen",
        String(EXPORT_LENGTH),
        ...(c.extra ?? []),
      ]);
      try {
        const connected = await socket.connected();
        expect(connected.cipherSuite).toBe(c.ourSuite);
        expect(connected.srtpProfile).toBe(c.srtp);
        const km = (await client.waitFor(/Keying material: ([0-9A-F]+)/))[1]!;
        expect(
          toHex(
            socket.endpoint.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, EXPORT_LENGTH),
          ).toUpperCase(),
        ).toBe(km);
        client.write("openssl client says hi\n");
        const data = await log.next((e) => e.type === "data");
        expect(data.type === "data" && utf8Decode(data.data)).toBe("openssl client says hi\n");
        socket.send(utf8Encode(`purertc server says ${c.name}\n`));
        await client.waitFor(new RegExp(escapeRegExp(`purertc server says ${c.name}`)));
        if (c.peerCloses) {
          client.write("Q\n");
          const closed = await log.next((e) => e.type === "closed");
          expect(closed).toEqual({ type: "closed", initiator: "peer" });
        }
      } finally {
        await socket.close();
        await client.stop();
      }
    });
  }

  it("a wrong expected fingerprint makes us abort the handshake with bad_certificate (openssl sees alert 42)", async () => {
    const port = await freeUdpPort();
    const server = new OpenSslProcess([
      "s_server",
      "-dtls1_2",
      "-accept",
      `127.0.0.1:${port}`,
      "-cert",
      certs.ec.cert,
      "-key",
      certs.ec.key,
      "-Verify",
      "1",
    ]);
    let socket: DtlsSocket | undefined;
    try {
      await server.waitFor(/ACCEPT/);
      socket = await DtlsSocket.open({
        config: {
          role: "client",
          certificate: testCertificate("client"),
          remoteFingerprints: [fingerprintOf(certs.rsa.cert)],
          initialRetransmitMs: 100,
        },
      });
      socket.start({ address: "127.0.0.1", port });
      await expect(socket.connected()).rejects.toThrow(/fingerprint-mismatch/);
      await server.waitFor(/bad certificate/i);
    } finally {
      await socket?.close();
      await server.stop();
    }
  });
});
