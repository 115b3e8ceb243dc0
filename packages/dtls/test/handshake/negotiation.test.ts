import { describe, expect, it } from "vitest";
import { checkServerHello, clientHelloExtensions } from "../../src/handshake/client-negotiation.js";
import { isRefusal } from "../../src/handshake/negotiation.js";
import { negotiateServer } from "../../src/handshake/server-negotiation.js";
import {
  AlertDescription,
  type ClientHello,
  ExtensionType,
  resolveDtlsConfig,
  type ServerHello,
} from "../../src/index.js";
import { testCertificate } from "../helpers.js";

const config = resolveDtlsConfig({ role: "server", certificate: testCertificate("server") });
const clientConfig = resolveDtlsConfig({ role: "client", certificate: testCertificate("client") });
const hello = (over: Partial<ClientHello> = {}): ClientHello => ({
  clientVersion: 0xfefd,
  random: new Uint8Array(32),
  sessionId: new Uint8Array(0),
  cookie: new Uint8Array(0),
  cipherSuites: [0xc02b, 0xc02f],
  compressionMethods: [0],
  extensions: clientHelloExtensions(clientConfig),
  ...over,
});
const without = (type: number) =>
  hello({ extensions: clientHelloExtensions(clientConfig).filter((e) => e.type !== type) });

describe("server negotiation", () => {
  it("accepts our own ClientHello: ECDSA AES-128-GCM, X25519, AEAD_AES_256_GCM", () => {
    const c = negotiateServer(config, hello());
    expect(isRefusal(c)).toBe(false);
    if (!isRefusal(c)) {
      expect(c.suite.name).toBe("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
      expect(c.group).toBe(29);
      expect(c.srtpProfile).toBe(8);
    }
  });

  const refusals: [string, ClientHello, number][] = [
    [
      "RFC 7627 §5.3: no extended_master_secret",
      without(ExtensionType.extended_master_secret),
      AlertDescription.handshake_failure,
    ],
    ["only DTLS 1.0 offered", hello({ clientVersion: 0xfeff }), AlertDescription.protocol_version],
    [
      "only RSA suites (our certificate is ECDSA)",
      hello({ cipherSuites: [0xc02f, 0xc030] }),
      AlertDescription.handshake_failure,
    ],
    [
      "no signature_algorithms (SHA-1 only)",
      without(ExtensionType.signature_algorithms),
      AlertDescription.handshake_failure,
    ],
    ["no null compression", hello({ compressionMethods: [1] }), AlertDescription.illegal_parameter],
    [
      "no shared group",
      hello({
        extensions: [
          ...without(ExtensionType.supported_groups).extensions,
          { type: 10, data: Uint8Array.of(0, 2, 0, 30) },
        ],
      }),
      AlertDescription.handshake_failure,
    ],
  ];
  for (const [name, ch, alert] of refusals) {
    it(`refuses: ${name}`, () => {
      const r = negotiateServer(config, ch);
      expect(isRefusal(r) && r.alert).toBe(alert);
    });
  }

  it("no use_srtp in the reply when no profile is shared", () => {
    const ch = hello({
      extensions: [
        ...without(ExtensionType.use_srtp).extensions,
        { type: ExtensionType.use_srtp, data: Uint8Array.of(0, 2, 0, 5, 0) },
      ],
    });
    const c = negotiateServer(config, ch);
    expect(!isRefusal(c) && c.extensions.some((e) => e.type === ExtensionType.use_srtp)).toBe(
      false,
    );
  });
});

describe("client checks of the ServerHello", () => {
  const sh = (over: Partial<ServerHello> = {}): ServerHello => ({
    serverVersion: 0xfefd,
    random: new Uint8Array(32),
    sessionId: new Uint8Array(0),
    cipherSuite: 0xc02b,
    compressionMethod: 0,
    extensions: [{ type: ExtensionType.extended_master_secret, data: new Uint8Array(0) }],
    ...over,
  });
  it("accepts a well-formed ServerHello", () => {
    expect(isRefusal(checkServerHello(clientConfig, sh()))).toBe(false);
  });
  const refusals: [string, ServerHello, number][] = [
    [
      "RFC 5246 §7.4.1.4: an extension we did not offer",
      sh({ extensions: [...sh().extensions, { type: 43, data: Uint8Array.of(0xfe, 0xfc) }] }),
      AlertDescription.unsupported_extension,
    ],
    ["no extended_master_secret", sh({ extensions: [] }), AlertDescription.handshake_failure],
    ["a suite we did not offer", sh({ cipherSuite: 0x009c }), AlertDescription.illegal_parameter],
    ["DTLS 1.0", sh({ serverVersion: 0xfeff }), AlertDescription.protocol_version],
    [
      "two SRTP profiles",
      sh({
        extensions: [...sh().extensions, { type: 14, data: Uint8Array.of(0, 4, 0, 1, 0, 7, 0) }],
      }),
      AlertDescription.illegal_parameter,
    ],
    [
      "an MKI we did not send",
      sh({ extensions: [...sh().extensions, { type: 14, data: Uint8Array.of(0, 2, 0, 1, 1, 9) }] }),
      AlertDescription.illegal_parameter,
    ],
  ];
  for (const [name, hello, alert] of refusals) {
    it(`refuses: ${name}`, () => {
      const r = checkServerHello(clientConfig, hello);
      expect(isRefusal(r) && r.alert).toBe(alert);
    });
  }
});
