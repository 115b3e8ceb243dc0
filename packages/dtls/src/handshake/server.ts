import { concatBytes, type Millis } from "@purertc/common";
import type { EcdhKeyPair } from "@purertc/crypto";
import { AlertDescription } from "../alert.js";
import { ClientCertificateType, DTLS_1_2, HandshakeType } from "../constants.js";
import { CookieAuthority } from "../cookie.js";
import type { FlightEntry } from "../flight.js";
import { extendedMasterSecret } from "../key-schedule.js";
import { encodeCertificateRequest } from "./certificate-request.js";
import { decodeCertificateVerify } from "./certificate-verify.js";
import { type ClientHello, decodeClientHello } from "./client-hello.js";
import { decodeClientKeyExchange } from "./client-key-exchange.js";
import { encodeFinished } from "./finished.js";
import { groupCurve } from "./groups.js";
import { HandshakeBase, type StateHandlers } from "./handshake-base.js";
import { encodeHelloVerifyRequest } from "./hello-verify-request.js";
import type { HandshakeHost, HandshakeMachine, ReceivedMessage } from "./host.js";
import { isRefusal } from "./negotiation.js";
import { RANDOM_LENGTH } from "./random.js";
import { encodeServerHello } from "./server-hello.js";
import { encodeServerHelloDone } from "./server-hello-done.js";
import { encodeEcdhParams, encodeServerKeyExchange } from "./server-key-exchange.js";
import { negotiateServer, type ServerChoice } from "./server-negotiation.js";
import { signData, signSchemeFor, VERIFY_SCHEMES, verifySignature } from "./signatures.js";

type ServerState =
  | "wait-client-hello"
  | "wait-certificate"
  | "wait-key-exchange"
  | "wait-certificate-verify"
  | "wait-change-cipher-spec"
  | "wait-finished"
  | "done";

/**
 * The DTLS 1.2 server handshake (RFC 6347 §4.2.1, RFC 5246 §7.3) with a stateless cookie
 * exchange, a CertificateRequest (WebRTC needs both certificates, RFC 8827 §6.5) and ECDHE.
 *
 * A ClientHello that also offers DTLS 1.3 (supported_versions, key_share with post-quantum
 * shares, spread over several records) is answered as DTLS 1.2: extensions we do not know are
 * ignored (RFC 5246 §7.4.1.4) and the group comes from supported_groups.
 */
export class ServerHandshake extends HandshakeBase implements HandshakeMachine {
  readonly #cookies: CookieAuthority | undefined;
  readonly #peer: () => string;
  #state: ServerState = "wait-client-hello";
  #ecdh: EcdhKeyPair | undefined;

  /** `peer` names the client's address for cookies (read when a ClientHello arrives). */
  constructor(host: HandshakeHost, peer: () => string) {
    super(host, "server");
    this.#peer = peer;
    const c = host.config;
    this.#cookies = c.helloVerify
      ? new CookieAuthority(c.crypto, c.cookieSecret ?? c.crypto.randomBytes(32))
      : undefined;
    this.serverRandom = c.rng.fill(new Uint8Array(RANDOM_LENGTH));
  }

  get stateless(): boolean {
    return this.#state === "wait-client-hello";
  }

  get expectsChangeCipherSpec(): boolean {
    return this.#state === "wait-change-cipher-spec";
  }

  start(_now: Millis): void {}

  changeCipherSpecReceived(): void {
    this.#state = "wait-finished";
  }

  /** What each state accepts (RFC 5246 §7.3 message order). */
  readonly #handlers: Readonly<Partial<Record<ServerState, StateHandlers>>> = {
    "wait-certificate": { [HandshakeType.certificate]: (_, m) => this.#onCertificate(m) },
    "wait-key-exchange": {
      [HandshakeType.client_key_exchange]: (_, m) => this.#onClientKeyExchange(m),
    },
    "wait-certificate-verify": {
      [HandshakeType.certificate_verify]: (_, m) => this.#onCertificateVerify(m),
    },
    "wait-finished": { [HandshakeType.finished]: (now, m) => this.#onFinished(now, m) },
  };

  handleMessage(now: Millis, msg: ReceivedMessage): void {
    if (this.#state === "wait-client-hello") {
      // Anything but a ClientHello before a cookie-verified hello is dropped statelessly
      // (RFC 6347 §4.2.1).
      if (msg.msgType === HandshakeType.client_hello) this.#onClientHello(now, msg);
      return;
    }
    this.dispatch(now, msg, this.#state, this.#handlers[this.#state]);
  }

  #onClientHello(now: Millis, msg: ReceivedMessage): void {
    const c = this.host.config;
    const ch = decodeClientHello(msg.body);
    if (this.#cookies !== undefined && !this.#cookies.verify(this.#peer(), ch)) {
      // RFC 6347 §4.2.1: answer with a cookie, keep no state.
      const body = encodeHelloVerifyRequest({
        serverVersion: DTLS_1_2,
        cookie: this.#cookies.make(this.#peer(), ch),
      });
      this.host.sendHelloVerifyRequest(body, msg.recordSeq, msg.messageSeq);
      return;
    }
    const choice = negotiateServer(c, ch);
    if (isRefusal(choice)) {
      this.host.fail(choice.reason, choice.alert, choice.message);
      return;
    }
    this.srtpProfile = choice.srtpProfile;
    this.srtpMki = choice.srtpMki;
    this.#accept(now, msg, ch, choice);
  }

  #accept(now: Millis, msg: ReceivedMessage, ch: ClientHello, choice: ServerChoice): void {
    const c = this.host.config;
    const { suite, group, extensions } = choice;
    let pair: EcdhKeyPair;
    try {
      pair = c.crypto.generateEcdhKeyPair(groupCurve(group));
    } catch {
      this.host.fail("internal", AlertDescription.internal_error, "ECDHE key generation failed");
      return;
    }
    this.suite = suite;
    this.group = group;
    this.#ecdh = pair;
    this.clientRandom = ch.random.slice();
    // RFC 6347 §4.2.2: after a cookie exchange the ServerHello carries the ClientHello's message_seq.
    this.sendSeq = msg.messageSeq;
    this.record(msg);
    const flight: FlightEntry[] = [];
    const hello = encodeServerHello({
      serverVersion: DTLS_1_2,
      random: this.serverRandom,
      sessionId: new Uint8Array(0),
      cipherSuite: suite.id,
      compressionMethod: 0,
      extensions,
    });
    flight.push(this.message(HandshakeType.server_hello, hello, 0));
    flight.push(this.ownCertificate());
    const params = encodeEcdhParams(group, pair.publicKey);
    // RFC 8422 §5.4 / RFC 5246 §7.4.3: signed with our certificate key (ECDSA or RSA PKCS#1).
    const signature = signData(
      c.crypto,
      c.certificate.keyPair,
      concatBytes(this.clientRandom, this.serverRandom, params),
    );
    const ske = encodeServerKeyExchange({
      namedGroup: group,
      publicKey: pair.publicKey,
      signatureScheme: signSchemeFor(c.certificate.keyPair),
      signature,
    });
    flight.push(this.message(HandshakeType.server_key_exchange, ske, 0));
    if (c.requireClientCertificate) {
      const cr = encodeCertificateRequest({
        certificateTypes: [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        signatureSchemes: VERIFY_SCHEMES,
        certificateAuthorities: [],
      });
      flight.push(this.message(HandshakeType.certificate_request, cr, 0));
    }
    flight.push(this.message(HandshakeType.server_hello_done, encodeServerHelloDone(), 0));
    this.#state = c.requireClientCertificate ? "wait-certificate" : "wait-key-exchange";
    this.host.sendFlight(now, flight, false);
  }

  #onCertificate(msg: ReceivedMessage): void {
    // RFC 5246 §7.4.6: a server that requires a certificate MAY abort with handshake_failure.
    const empty = {
      alert: AlertDescription.handshake_failure,
      message: "client sent no certificate",
    };
    if (this.acceptPeerCertificate(msg, empty)) this.#state = "wait-key-exchange";
  }

  #onClientKeyExchange(msg: ReceivedMessage): void {
    const c = this.host.config;
    const cke = decodeClientKeyExchange(msg.body);
    let preMaster: Uint8Array;
    try {
      preMaster = c.crypto.ecdh(groupCurve(this.group), this.#ecdh!.privateKey, cke.publicKey);
    } catch {
      this.host.fail(
        "protocol-violation",
        AlertDescription.illegal_parameter,
        "invalid client ECDHE public key",
      );
      return;
    }
    this.record(msg);
    const suite = this.suite!;
    this.installKeys(
      extendedMasterSecret(
        c.crypto,
        suite,
        preMaster,
        this.transcript.hash(c.crypto, suite.prfHash),
      ),
    );
    this.#state =
      this.peerKey !== undefined ? "wait-certificate-verify" : "wait-change-cipher-spec";
  }

  /** RFC 5246 §7.4.8: the signature covers every handshake message before CertificateVerify. */
  #onCertificateVerify(msg: ReceivedMessage): void {
    const c = this.host.config;
    const cv = decodeCertificateVerify(msg.body);
    if (
      !verifySignature(
        c.crypto,
        this.peerKey!,
        cv.signatureScheme,
        this.transcript.bytes(),
        cv.signature,
      )
    ) {
      this.host.fail(
        "verification-failed",
        AlertDescription.decrypt_error,
        "CertificateVerify does not verify",
      );
      return;
    }
    this.record(msg);
    this.#state = "wait-change-cipher-spec";
  }

  #onFinished(now: Millis, msg: ReceivedMessage): void {
    if (!this.acceptPeerFinished(msg)) return;
    const flight: FlightEntry[] = [
      { kind: "change_cipher_spec", epoch: 0 },
      this.message(HandshakeType.finished, encodeFinished(this.verifyData("server")), 1),
    ];
    this.#state = "done";
    this.host.sendFlight(now, flight, true);
    this.completeHandshake(now);
  }
}
