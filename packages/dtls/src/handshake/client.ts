import { concatBytes, type Millis } from "@purertc/common";
import type { EcdhCurve, EcdhKeyPair } from "@purertc/crypto";
import { AlertDescription } from "../alert.js";
import { ClientCertificateType, DTLS_1_2, HandshakeType } from "../constants.js";
import type { FlightEntry } from "../flight.js";
import { extendedMasterSecret } from "../key-schedule.js";
import { decodeCertificateRequest } from "./certificate-request.js";
import { encodeCertificateVerify } from "./certificate-verify.js";
import { encodeClientHello } from "./client-hello.js";
import { encodeClientKeyExchange } from "./client-key-exchange.js";
import { checkServerHello, clientHelloExtensions } from "./client-negotiation.js";
import { encodeFinished } from "./finished.js";
import { advertisedGroups, groupCurve } from "./groups.js";
import { HandshakeBase, type StateHandlers } from "./handshake-base.js";
import { decodeHelloVerifyRequest } from "./hello-verify-request.js";
import type { HandshakeHost, HandshakeMachine, ReceivedMessage } from "./host.js";
import { isRefusal } from "./negotiation.js";
import { RANDOM_LENGTH } from "./random.js";
import { decodeServerHello } from "./server-hello.js";
import { decodeServerHelloDone } from "./server-hello-done.js";
import { decodeServerKeyExchange, encodeEcdhParams } from "./server-key-exchange.js";
import { keyKind, signData, signSchemeFor, verifySignature } from "./signatures.js";

type ClientState =
  | "idle"
  | "wait-server-hello"
  | "wait-certificate"
  | "wait-key-exchange"
  | "wait-hello-done"
  | "wait-change-cipher-spec"
  | "wait-finished"
  | "done";

/**
 * The DTLS 1.2 client handshake (RFC 6347 §4.2.1, RFC 5246 §7.3), full ECDHE handshake only:
 *
 * ```
 *   ClientHello            -------->
 *                          <--------   HelloVerifyRequest
 *   ClientHello + cookie   -------->
 *                                      ServerHello, Certificate, ServerKeyExchange,
 *                          <--------   CertificateRequest, ServerHelloDone
 *   Certificate, ClientKeyExchange, CertificateVerify,
 *   [ChangeCipherSpec], Finished -->
 *                          <--------   [ChangeCipherSpec], Finished
 * ```
 */
export class ClientHandshake extends HandshakeBase implements HandshakeMachine {
  #state: ClientState = "idle";
  #cookie: Uint8Array = new Uint8Array(0);
  #serverPublic: Uint8Array = new Uint8Array(0);
  #certificateRequested = false;

  constructor(host: HandshakeHost) {
    super(host, "client");
    this.clientRandom = host.config.rng.fill(new Uint8Array(RANDOM_LENGTH));
  }

  get stateless(): boolean {
    return false;
  }

  get expectsChangeCipherSpec(): boolean {
    return this.#state === "wait-change-cipher-spec";
  }

  start(now: Millis): void {
    this.#state = "wait-server-hello";
    this.#sendClientHello(now);
  }

  changeCipherSpecReceived(): void {
    this.#state = "wait-finished";
  }

  /** What each state accepts (RFC 5246 §7.3 message order; CertificateRequest at most once). */
  readonly #handlers: Readonly<Partial<Record<ClientState, StateHandlers>>> = {
    "wait-server-hello": {
      [HandshakeType.hello_verify_request]: (now, m) => this.#onHelloVerifyRequest(now, m),
      [HandshakeType.server_hello]: (_, m) => this.#onServerHello(m),
    },
    "wait-certificate": { [HandshakeType.certificate]: (_, m) => this.#onCertificate(m) },
    "wait-key-exchange": {
      [HandshakeType.server_key_exchange]: (_, m) => this.#onServerKeyExchange(m),
    },
    "wait-hello-done": {
      [HandshakeType.certificate_request]: (_, m) =>
        this.#certificateRequested
          ? this.unexpected(m.msgType, this.#state)
          : this.#onCertificateRequest(m),
      [HandshakeType.server_hello_done]: (now, m) => this.#onServerHelloDone(now, m),
    },
    "wait-finished": { [HandshakeType.finished]: (now, m) => this.#onFinished(now, m) },
  };

  handleMessage(now: Millis, msg: ReceivedMessage): void {
    this.dispatch(now, msg, this.#state, this.#handlers[this.#state]);
  }

  #sendClientHello(now: Millis): void {
    const c = this.host.config;
    const extensions = clientHelloExtensions(c);
    const body = encodeClientHello({
      clientVersion: DTLS_1_2,
      random: this.clientRandom,
      sessionId: new Uint8Array(0),
      cookie: this.#cookie,
      cipherSuites: c.cipherSuites,
      compressionMethods: [0],
      extensions,
    });
    this.transcript.clear();
    this.host.sendFlight(now, [this.message(HandshakeType.client_hello, body, 0)], false);
  }

  /** RFC 6347 §4.2.1: resend the ClientHello with the cookie; neither hello is in the transcript. */
  #onHelloVerifyRequest(now: Millis, msg: ReceivedMessage): void {
    const hvr = decodeHelloVerifyRequest(msg.body);
    if (hvr.cookie.byteLength === 0) {
      this.host.fail(
        "protocol-violation",
        AlertDescription.illegal_parameter,
        "empty HelloVerifyRequest cookie",
      );
      return;
    }
    this.#cookie = hvr.cookie.slice();
    this.#sendClientHello(now);
  }

  #onServerHello(msg: ReceivedMessage): void {
    const sh = decodeServerHello(msg.body);
    const agreed = checkServerHello(this.host.config, sh);
    if (isRefusal(agreed)) {
      this.host.fail(agreed.reason, agreed.alert, agreed.message);
      return;
    }
    this.srtpProfile = agreed.srtpProfile;
    this.srtpMki = agreed.srtpMki;
    this.suite = agreed.suite;
    this.serverRandom = sh.random.slice();
    this.record(msg);
    this.#state = "wait-certificate";
  }

  #onCertificate(msg: ReceivedMessage): void {
    const empty = {
      alert: AlertDescription.bad_certificate,
      message: "server sent no certificate",
    };
    // RFC 5246 §7.4.2: the server certificate's key must fit the suite (ECDHE_ECDSA / ECDHE_RSA).
    if (this.acceptPeerCertificate(msg, empty, this.suite?.authentication))
      this.#state = "wait-key-exchange";
  }

  #onServerKeyExchange(msg: ReceivedMessage): void {
    const ske = decodeServerKeyExchange(msg.body);
    if (!advertisedGroups(this.host.config.namedGroups).includes(ske.namedGroup)) {
      this.host.fail(
        "negotiation-failed",
        AlertDescription.illegal_parameter,
        `server chose group ${ske.namedGroup}`,
      );
      return;
    }
    // RFC 8422 §5.4: the signature covers client_random + server_random + ServerECDHParams.
    const signed = concatBytes(
      this.clientRandom,
      this.serverRandom,
      encodeEcdhParams(ske.namedGroup, ske.publicKey),
    );
    const key = this.peerKey;
    if (
      key === undefined ||
      !verifySignature(this.host.config.crypto, key, ske.signatureScheme, signed, ske.signature)
    ) {
      this.host.fail(
        "verification-failed",
        AlertDescription.decrypt_error,
        "ServerKeyExchange signature does not verify",
      );
      return;
    }
    this.group = ske.namedGroup;
    this.#serverPublic = ske.publicKey.slice();
    this.record(msg);
    this.#state = "wait-hello-done";
  }

  #onCertificateRequest(msg: ReceivedMessage): void {
    const cr = decodeCertificateRequest(msg.body);
    const ours = this.host.config.certificate.keyPair;
    const rsa = keyKind(ours) === "rsa";
    // RFC 5246 §7.4.4 / §7.4.6: our certificate type and signature scheme must be acceptable.
    const certType = rsa ? ClientCertificateType.rsa_sign : ClientCertificateType.ecdsa_sign;
    if (
      !cr.certificateTypes.includes(certType) ||
      !cr.signatureSchemes.includes(signSchemeFor(ours))
    ) {
      this.host.fail(
        "negotiation-failed",
        AlertDescription.handshake_failure,
        `server does not accept an ${rsa ? "RSA (rsa_pkcs1_sha256)" : "ECDSA P-256"} certificate`,
      );
      return;
    }
    this.#certificateRequested = true;
    this.record(msg);
  }

  #onServerHelloDone(now: Millis, msg: ReceivedMessage): void {
    decodeServerHelloDone(msg.body);
    this.record(msg);
    const c = this.host.config;
    const suite = this.suite!;
    const curve: EcdhCurve = groupCurve(this.group);
    let pair: EcdhKeyPair;
    let preMaster: Uint8Array;
    try {
      pair = c.crypto.generateEcdhKeyPair(curve);
      preMaster = c.crypto.ecdh(curve, pair.privateKey, this.#serverPublic);
    } catch {
      this.host.fail(
        "protocol-violation",
        AlertDescription.illegal_parameter,
        "invalid server ECDHE public key",
      );
      return;
    }
    const flight: FlightEntry[] = [];
    if (this.#certificateRequested) flight.push(this.ownCertificate());
    flight.push(
      this.message(
        HandshakeType.client_key_exchange,
        encodeClientKeyExchange({ publicKey: pair.publicKey }),
        0,
      ),
    );
    // RFC 7627 §4: session_hash covers the messages up to and including ClientKeyExchange.
    const ms = extendedMasterSecret(
      c.crypto,
      suite,
      preMaster,
      this.transcript.hash(c.crypto, suite.prfHash),
    );
    if (this.#certificateRequested) {
      // RFC 5246 §7.4.8: signed with our certificate key over every handshake message so far.
      const signature = signData(c.crypto, c.certificate.keyPair, this.transcript.bytes());
      flight.push(
        this.message(
          HandshakeType.certificate_verify,
          encodeCertificateVerify({
            signatureScheme: signSchemeFor(c.certificate.keyPair),
            signature,
          }),
          0,
        ),
      );
    }
    this.installKeys(ms);
    flight.push({ kind: "change_cipher_spec", epoch: 0 });
    flight.push(this.message(HandshakeType.finished, encodeFinished(this.verifyData("client")), 1));
    this.#state = "wait-change-cipher-spec";
    this.host.sendFlight(now, flight, false);
  }

  #onFinished(now: Millis, msg: ReceivedMessage): void {
    if (!this.acceptPeerFinished(msg)) return;
    this.#state = "done";
    this.completeHandshake(now);
  }
}
