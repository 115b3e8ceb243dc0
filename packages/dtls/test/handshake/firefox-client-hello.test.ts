import { seededRng, type Transmit } from "@purertc/common";
import { describe, expect, it } from "vitest";
import {
  type ClientHello,
  DtlsEndpoint,
  decodeHandshakeFragments,
  decodeHelloVerifyRequest,
  decodeRecords,
  decodeServerHello,
  decodeServerKeyExchange,
  ExtensionType,
  encodeClientHello,
  encodeHandshakeFragment,
  encodeRecord,
  encodeSupportedGroups,
  encodeUseSrtp,
  HandshakeType,
  NamedGroup,
  Reassembler,
} from "../../src/index.js";
import { testCertificate } from "../helpers.js";

/** TLS 1.3 code points a DTLS 1.3-capable browser adds (RFC 8446 §4.2, draft-kwiatkowski-tls-ecdhe-mlkem). */
const SUPPORTED_VERSIONS = 43;
const KEY_SHARE = 51;
const PSK_KEY_EXCHANGE_MODES = 45;
const RECORD_SIZE_LIMIT = 28;
const DELEGATED_CREDENTIALS = 34;
const X25519MLKEM768 = 0x11ec;

/**
 * A ClientHello shaped like current Firefox's (DTLS 1.3 and 1.2 offered, a 1216-byte hybrid
 * ML-KEM key share first): about 1.4 kB, more than one 1200-byte datagram can carry.
 */
function firefoxLikeHello(cookie: Uint8Array): ClientHello {
  const keyShare = new Uint8Array(2 + 4 + 1216 + 4 + 32);
  const v = new DataView(keyShare.buffer);
  v.setUint16(0, keyShare.byteLength - 2);
  v.setUint16(2, X25519MLKEM768);
  v.setUint16(4, 1216);
  keyShare.fill(0xab, 6, 6 + 1216);
  v.setUint16(6 + 1216, NamedGroup.x25519);
  v.setUint16(8 + 1216, 32);
  keyShare.fill(0xcd, 10 + 1216);
  const sigalgs = Uint8Array.of(0, 16, 4, 3, 5, 3, 6, 3, 8, 4, 8, 5, 8, 6, 4, 1, 5, 1);
  return {
    clientVersion: 0xfefd,
    random: new Uint8Array(32).fill(0x11),
    sessionId: new Uint8Array(0),
    cookie,
    cipherSuites: [
      0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c, 0xc030, 0xc00a, 0xc009,
      0xc013, 0xc014,
    ],
    compressionMethods: [0],
    extensions: [
      { type: ExtensionType.extended_master_secret, data: new Uint8Array(0) },
      { type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) },
      {
        type: ExtensionType.supported_groups,
        data: encodeSupportedGroups([
          X25519MLKEM768,
          NamedGroup.x25519,
          NamedGroup.secp256r1,
          NamedGroup.secp384r1,
          25,
          256,
          257,
        ]),
      },
      { type: ExtensionType.ec_point_formats, data: Uint8Array.of(1, 0) },
      { type: DELEGATED_CREDENTIALS, data: Uint8Array.of(0, 8, 4, 3, 5, 3, 6, 3, 2, 3) },
      { type: KEY_SHARE, data: keyShare },
      { type: SUPPORTED_VERSIONS, data: Uint8Array.of(4, 0xfe, 0xfc, 0xfe, 0xfd) },
      { type: ExtensionType.signature_algorithms, data: sigalgs },
      { type: PSK_KEY_EXCHANGE_MODES, data: Uint8Array.of(1, 1) },
      { type: RECORD_SIZE_LIMIT, data: Uint8Array.of(0x40, 0x01) },
      {
        type: ExtensionType.use_srtp,
        data: encodeUseSrtp({ profiles: [7, 8, 1, 2], mki: new Uint8Array(0) }),
      },
    ],
  };
}

/** The hello split into `parts` fragments, one record per datagram, with record numbers from `seq0`. */
function fragmented(
  body: Uint8Array,
  messageSeq: number,
  parts: number,
  seq0: number,
): Uint8Array[] {
  const size = Math.ceil(body.byteLength / parts);
  const out: Uint8Array[] = [];
  for (let i = 0; i < parts; i++) {
    const chunk = body.subarray(i * size, Math.min(body.byteLength, (i + 1) * size));
    const fragment = encodeHandshakeFragment({
      msgType: HandshakeType.client_hello,
      length: body.byteLength,
      messageSeq,
      fragmentOffset: i * size,
      body: chunk,
    });
    out.push(
      encodeRecord({
        contentType: 22,
        version: 0xfeff,
        epoch: 0,
        sequenceNumber: seq0 + i,
        fragment,
      }),
    );
  }
  return out;
}

function messages(out: Transmit[], firstSeq = 0) {
  const r = new Reassembler(1 << 20);
  r.reset(firstSeq);
  for (const t of out)
    for (const rec of decodeRecords(t.data))
      for (const f of decodeHandshakeFragments(rec.fragment)) r.add(f);
  const msgs = [];
  for (let m = r.pop(); m; m = r.pop()) msgs.push(m);
  return msgs;
}

describe("a DTLS 1.3-capable, multi-datagram ClientHello (Firefox with ML-KEM key shares)", () => {
  it("is reassembled out of order with duplicates and answered as DTLS 1.2 on a shared curve", () => {
    const from = { address: "192.0.2.7", port: 50_000 };
    const server = new DtlsEndpoint({
      role: "server",
      certificate: testCertificate("server"),
      rng: seededRng(9),
    });
    const hello1 = encodeClientHello(firefoxLikeHello(new Uint8Array(0)));
    expect(hello1.byteLength).toBeGreaterThan(1200);
    const d1 = fragmented(hello1, 0, 4, 0);
    for (const i of [3, 1, 0, 1, 2]) server.handleDatagram(0, { from, data: d1[i]! });
    const hvrOut: Transmit[] = [];
    for (let t = server.pollTransmit(); t; t = server.pollTransmit()) hvrOut.push(t);
    expect(hvrOut).toHaveLength(1);
    const [hvr] = messages(hvrOut);
    expect(hvr!.msgType).toBe(HandshakeType.hello_verify_request);
    const cookie = decodeHelloVerifyRequest(hvr!.body).cookie;

    const hello2 = encodeClientHello(firefoxLikeHello(cookie));
    const d2 = fragmented(hello2, 1, 3, 4);
    for (const i of [2, 0, 2, 1]) server.handleDatagram(1, { from, data: d2[i]! });
    const out: Transmit[] = [];
    for (let t = server.pollTransmit(); t; t = server.pollTransmit()) out.push(t);
    for (const t of out) expect(t.data.byteLength).toBeLessThanOrEqual(1200);
    const flight = messages(out, 1);
    expect(flight.map((m) => m.msgType)).toEqual([
      HandshakeType.server_hello,
      HandshakeType.certificate,
      HandshakeType.server_key_exchange,
      HandshakeType.certificate_request,
      HandshakeType.server_hello_done,
    ]);
    // RFC 6347 §4.2.2: after the cookie exchange the server continues at the hello's message_seq.
    expect(flight[0]!.messageSeq).toBe(1);
    const sh = decodeServerHello(flight[0]!.body);
    expect(sh.serverVersion).toBe(0xfefd);
    expect(sh.cipherSuite).toBe(0xc02b);
    // Nothing from TLS 1.3 leaks into the 1.2 ServerHello (RFC 5246 §7.4.1.4: unsolicited = fatal for the client).
    expect(sh.extensions.map((e) => e.type).sort((a, b) => a - b)).toEqual([11, 14, 23, 0xff01]);
    // The ML-KEM hybrid is skipped; X25519 is the first group we share.
    expect(decodeServerKeyExchange(flight[2]!.body).namedGroup).toBe(NamedGroup.x25519);
  });
});
