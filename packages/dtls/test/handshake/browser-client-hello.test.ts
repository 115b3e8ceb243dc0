import { seededRng, type Transmit } from "@purertc/common";
import { fixtureProvenance, readFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import { isRefusal } from "../../src/handshake/negotiation.js";
import { negotiateServer } from "../../src/handshake/server-negotiation.js";
import {
  DtlsEndpoint,
  decodeClientHello,
  decodeHandshakeFragments,
  decodeRecords,
  decodeServerHello,
  decodeServerKeyExchange,
  HandshakeType,
  NamedGroup,
  Reassembler,
  resolveDtlsConfig,
} from "../../src/index.js";
import { testCertificate } from "../helpers.js";

/** The fixture's datagrams (each prefixed by a 16-bit length). */
function datagrams(name: string): Uint8Array[] {
  const b = readFixture("dtls", name);
  const out: Uint8Array[] = [];
  for (let o = 0; o + 2 <= b.byteLength; ) {
    const len = (b[o]! << 8) | b[o + 1]!;
    out.push(b.subarray(o + 2, o + 2 + len));
    o += 2 + len;
  }
  return out;
}

function reassemble(dgrams: readonly Uint8Array[], firstSeq = 0) {
  const r = new Reassembler(1 << 20);
  r.reset(firstSeq);
  for (const d of dgrams)
    for (const rec of decodeRecords(d))
      for (const f of decodeHandshakeFragments(rec.fragment)) r.add(f);
  const out = [];
  for (let m = r.pop(); m; m = r.pop()) out.push(m);
  return out;
}

const KEY_SHARE = 51;
const SUPPORTED_VERSIONS = 43;

for (const browser of ["firefox", "chromium"] as const) {
  const name = `${browser}-client-hello.dgrams`;
  describe(`real ${browser} DTLS ClientHello (${fixtureProvenance("dtls", name).version})`, () => {
    const dgrams = datagrams(name);

    it("spans several datagrams and offers DTLS 1.3 with a large (post-quantum) key share", () => {
      expect(dgrams.length).toBeGreaterThan(1);
      const [hello] = reassemble(dgrams);
      expect(hello!.msgType).toBe(HandshakeType.client_hello);
      const ch = decodeClientHello(hello!.body);
      expect(ch.extensions.some((e) => e.type === SUPPORTED_VERSIONS)).toBe(true);
      expect(ch.extensions.find((e) => e.type === KEY_SHARE)!.data.byteLength).toBeGreaterThan(
        1000,
      );
    });

    it("negotiates DTLS 1.2 with ECDSA, a classical shared group, use_srtp and EMS", () => {
      const [hello] = reassemble(dgrams);
      const c = negotiateServer(
        resolveDtlsConfig({ role: "server", certificate: testCertificate("server") }),
        decodeClientHello(hello!.body),
      );
      expect(isRefusal(c)).toBe(false);
      if (isRefusal(c)) return;
      expect(c.suite.authentication).toBe("ecdsa");
      expect([NamedGroup.x25519, NamedGroup.secp256r1]).toContain(c.group);
      expect(c.srtpProfile).toBeDefined();
    });

    it("our server reassembles it out of order with duplicates and answers with HelloVerifyRequest", () => {
      const server = new DtlsEndpoint({
        role: "server",
        certificate: testCertificate("server"),
        rng: seededRng(4),
      });
      const from = { address: "192.0.2.9", port: 40_000 };
      for (const d of [...dgrams].reverse()) server.handleDatagram(0, { from, data: d });
      server.handleDatagram(0, { from, data: dgrams[0]! });
      const out: Transmit[] = [];
      for (let t = server.pollTransmit(); t; t = server.pollTransmit()) out.push(t);
      expect(out.length).toBeGreaterThan(0);
      expect(reassemble(out.map((t) => t.data))[0]!.msgType).toBe(
        HandshakeType.hello_verify_request,
      );
      expect(out[0]!.to).toEqual(from);
    });

    it("without cookies our server answers the real hello with a DTLS 1.2 flight (ServerHello … ServerHelloDone)", () => {
      const server = new DtlsEndpoint({
        role: "server",
        certificate: testCertificate("server"),
        helloVerify: false,
        rng: seededRng(5),
      });
      const from = { address: "192.0.2.9", port: 40_000 };
      for (const d of dgrams) server.handleDatagram(0, { from, data: d });
      const out: Transmit[] = [];
      for (let t = server.pollTransmit(); t; t = server.pollTransmit()) out.push(t);
      const flight = reassemble(out.map((t) => t.data));
      expect(flight.map((m) => m.msgType)).toEqual([2, 11, 12, 13, 14]);
      const sh = decodeServerHello(flight[0]!.body);
      expect(sh.serverVersion).toBe(0xfefd);
      expect(sh.extensions.map((e) => e.type)).not.toContain(SUPPORTED_VERSIONS);
      expect([NamedGroup.x25519, NamedGroup.secp256r1]).toContain(
        decodeServerKeyExchange(flight[2]!.body).namedGroup,
      );
    });
  });
}
