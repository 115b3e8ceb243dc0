import { isDecodeError, seededRng } from "@purertc/common";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as dtls from "../src/index.js";
import { sha256Fingerprint, testCertificate } from "./helpers.js";

const DECODERS: Record<string, (b: Uint8Array) => unknown> = {
  decodeRecord: dtls.decodeRecord,
  decodeRecords: dtls.decodeRecords,
  decodeHandshakeFragments: dtls.decodeHandshakeFragments,
  decodeClientHello: dtls.decodeClientHello,
  decodeServerHello: dtls.decodeServerHello,
  decodeHelloVerifyRequest: dtls.decodeHelloVerifyRequest,
  decodeCertificate: dtls.decodeCertificate,
  decodeServerKeyExchange: dtls.decodeServerKeyExchange,
  decodeCertificateRequest: dtls.decodeCertificateRequest,
  decodeServerHelloDone: dtls.decodeServerHelloDone,
  decodeClientKeyExchange: dtls.decodeClientKeyExchange,
  decodeCertificateVerify: dtls.decodeCertificateVerify,
  decodeFinished: dtls.decodeFinished,
  decodeAlert: dtls.decodeAlert,
  decodeSupportedGroups: dtls.decodeSupportedGroups,
  decodeSignatureAlgorithms: dtls.decodeSignatureAlgorithms,
  decodeEcPointFormats: dtls.decodeEcPointFormats,
  decodeRenegotiationInfo: dtls.decodeRenegotiationInfo,
  decodeUseSrtp: dtls.decodeUseSrtp,
};

const bytes = (max = 300) => fc.uint8Array({ maxLength: max });

describe("fuzz: decoders throw only DecodeError", () => {
  for (const [name, decode] of Object.entries(DECODERS)) {
    it(`${name} on arbitrary bytes`, () => {
      fc.assert(
        fc.property(bytes(), (b) => {
          try {
            decode(b);
          } catch (e) {
            if (!isDecodeError(e)) throw e;
          }
        }),
        { numRuns: 2000 },
      );
    });
  }
});

const u16 = fc.integer({ min: 0, max: 0xffff });
const ext = fc.record({ type: u16, data: bytes(40) });
const uniqueExts = fc.uniqueArray(ext, { selector: (e) => e.type, maxLength: 6 });

describe("fuzz: encode → decode round trips", () => {
  it("ClientHello", () => {
    fc.assert(
      fc.property(
        fc.record({
          clientVersion: u16,
          random: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          sessionId: bytes(32),
          cookie: bytes(255),
          cipherSuites: fc.array(u16, { minLength: 1, maxLength: 20 }),
          compressionMethods: fc.array(fc.integer({ min: 0, max: 255 }), {
            minLength: 1,
            maxLength: 4,
          }),
          extensions: uniqueExts,
        }),
        (m) => {
          expect(dtls.decodeClientHello(dtls.encodeClientHello(m))).toEqual(m);
        },
      ),
    );
  });

  it("ServerHello, HelloVerifyRequest, Certificate, ServerKeyExchange, CertificateRequest, use_srtp", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        uniqueExts,
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 50 }), { maxLength: 3 }),
        fc.uint8Array({ minLength: 1, maxLength: 133 }),
        (random, extensions, certs, point) => {
          const sh = {
            serverVersion: 0xfefd,
            random,
            sessionId: new Uint8Array(0),
            cipherSuite: 0xc02b,
            compressionMethod: 0,
            extensions,
          };
          expect(dtls.decodeServerHello(dtls.encodeServerHello(sh))).toEqual(sh);
          const hvr = { serverVersion: 0xfefd, cookie: point };
          expect(dtls.decodeHelloVerifyRequest(dtls.encodeHelloVerifyRequest(hvr))).toEqual(hvr);
          expect(
            dtls.decodeCertificate(dtls.encodeCertificate({ certificates: certs })).certificates,
          ).toEqual(certs);
          const ske = {
            namedGroup: 29,
            publicKey: point,
            signatureScheme: 0x0403,
            signature: random,
          };
          expect(dtls.decodeServerKeyExchange(dtls.encodeServerKeyExchange(ske))).toEqual(ske);
          const cr = {
            certificateTypes: [64, 1],
            signatureSchemes: [0x0403, 0x0804],
            certificateAuthorities: certs,
          };
          expect(dtls.decodeCertificateRequest(dtls.encodeCertificateRequest(cr))).toEqual(cr);
          const srtp = { profiles: [1, 7], mki: point.subarray(0, 10) };
          expect(dtls.decodeUseSrtp(dtls.encodeUseSrtp(srtp))).toEqual(srtp);
        },
      ),
    );
  });
});

describe("fuzz: endpoints never throw on hostile datagrams", () => {
  const record = fc.record({
    contentType: fc.constantFrom(20, 21, 22, 23, 24, 0, 255),
    version: fc.constantFrom(0xfefd, 0xfeff, 0x0303),
    epoch: fc.integer({ min: 0, max: 3 }),
    sequenceNumber: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
    fragment: bytes(200),
  });
  const datagram = fc.oneof(
    bytes(400),
    fc.array(record, { minLength: 1, maxLength: 4 }).map((rs) => {
      const parts = rs.map(dtls.encodeRecord);
      const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.byteLength;
      }
      return out;
    }),
  );

  for (const role of ["client", "server"] as const) {
    it(`${role}: random records and bytes give drops or a clean failure, never an exception`, () => {
      fc.assert(
        fc.property(fc.array(datagram, { minLength: 1, maxLength: 12 }), (dgrams) => {
          const e = new dtls.DtlsEndpoint({
            role,
            certificate: testCertificate(role),
            remoteFingerprints: [sha256Fingerprint(testCertificate("peer").der)],
            remoteAddress: { address: "10.0.0.9", port: 9 },
            rng: seededRng(3),
          });
          if (role === "client") e.start(0);
          let now = 0;
          for (const d of dgrams) {
            e.handleDatagram(now, { from: { address: "10.0.0.9", port: 9 }, data: d });
            now += 10;
            e.handleTimeout(now);
            while (e.pollTransmit());
            while (e.pollEvent());
          }
          expect(["new", "handshaking", "failed", "closed"]).toContain(e.state);
        }),
        { numRuns: 300 },
      );
    });
  }
});
