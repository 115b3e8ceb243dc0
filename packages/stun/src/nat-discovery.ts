/**
 * RFC 5780 NAT behaviour discovery, sans-IO: the mapping tests (§4.3), the filtering tests
 * (§4.4) and a hairpinning test (§4.5), run one after the other against a server that has an
 * alternate address (OTHER-ADDRESS), with the result as a typed report.
 */
import {
  type Datagram,
  DecodeError,
  Fifo,
  type Logger,
  type Millis,
  normalizeIp,
  type Rng,
  type SocketAddress,
  secureRng,
  silentLogger,
  type Transmit,
} from "@purertc/common";
import { StunBindingClient, type StunBindingEvent } from "./binding-client.js";
import { StunMethod } from "./constants.js";
import { isStunMessage } from "./demux.js";
import { decodeStunMessage } from "./message.js";
import type { StunTransactionConfig } from "./transactions.js";

/** RFC 4787 §4.1 mapping / §5 filtering behaviours. */
export type NatBehavior =
  | "endpoint-independent"
  | "address-dependent"
  | "address-and-port-dependent";

/** The result of {@link NatBehaviorDiscovery}. */
export interface NatBehaviorReport {
  /** The mapped address of test I. */
  readonly mappedAddress: SocketAddress | undefined;
  /** The server's OTHER-ADDRESS; without it RFC 5780 tests cannot run. */
  readonly otherAddress: SocketAddress | undefined;
  /** Whether the mapped address differs from the local one (`undefined`: local unknown). */
  readonly natDetected: boolean | undefined;
  readonly mapping: NatBehavior | "unknown";
  readonly filtering: NatBehavior | "unknown";
  /** Whether a request sent to our own mapped address came back (`undefined`: not tested). */
  readonly hairpinning: boolean | undefined;
  /** Why something is `"unknown"`, if it is. */
  readonly error: string | undefined;
}

/** Configuration of {@link NatBehaviorDiscovery}. */
export interface NatBehaviorDiscoveryConfig {
  /** The primary address of an RFC 5780 capable server. */
  readonly server: SocketAddress;
  /** The local address the requests leave from; enables "no NAT" detection. */
  readonly localAddress: SocketAddress | undefined;
  /** Run the hairpinning test (RFC 5780 §4.5). */
  readonly testHairpinning: boolean;
  /**
   * Retransmission for each test. The filtering tests end by timeout, so the default is
   * shorter than RFC 8489's 39.5 s: 4 requests at 500 ms RTO, then 4 × RTO (5.5 s per test).
   */
  readonly transaction: Partial<StunTransactionConfig>;
  readonly rng: Rng;
  readonly logger: Logger;
}

/** Defaults (see each field). */
export const DEFAULT_NAT_BEHAVIOR_DISCOVERY_CONFIG: Omit<
  NatBehaviorDiscoveryConfig,
  "server" | "rng"
> = Object.freeze({
  localAddress: undefined,
  testHairpinning: true,
  transaction: Object.freeze({ initialRtoMs: 500, requestCount: 4, finalWaitFactor: 4 }),
  logger: silentLogger,
});

/** The event of {@link NatBehaviorDiscovery}: emitted once, when every test is done. */
export interface NatBehaviorEvent {
  readonly type: "complete";
  readonly report: NatBehaviorReport;
}

type Step =
  | "idle"
  | "mapping1"
  | "mapping2"
  | "mapping3"
  | "filtering2"
  | "filtering3"
  | "hairpin"
  | "done";

function sameAddress(a: SocketAddress, b: SocketAddress): boolean {
  return a.port === b.port && normalizeIp(a.address) === normalizeIp(b.address);
}

/** RFC 5780 behaviour discovery over one local socket. Call `start()`, then drive it. */
export class NatBehaviorDiscovery {
  readonly #config: NatBehaviorDiscoveryConfig;
  readonly #client: StunBindingClient;
  readonly #events = new Fifo<NatBehaviorEvent>();
  readonly #log: Logger;
  #step: Step = "idle";
  #tid: Uint8Array | undefined;
  #mapped1: SocketAddress | undefined;
  #mapped2: SocketAddress | undefined;
  #other: SocketAddress | undefined;
  #mapping: NatBehavior | "unknown" = "unknown";
  #filtering: NatBehavior | "unknown" = "unknown";
  #hairpinning: boolean | undefined;
  #error: string | undefined;
  #report: NatBehaviorReport | undefined;

  constructor(config: Partial<NatBehaviorDiscoveryConfig> & { readonly server: SocketAddress }) {
    this.#config = Object.freeze({
      ...DEFAULT_NAT_BEHAVIOR_DISCOVERY_CONFIG,
      rng: config.rng ?? secureRng(),
      ...config,
    });
    this.#log = this.#config.logger.child("nat");
    this.#client = new StunBindingClient({
      transaction: this.#config.transaction,
      rng: this.#config.rng,
      logger: this.#log,
    });
  }

  /** The report, once the event has been emitted. */
  get report(): NatBehaviorReport | undefined {
    return this.#report;
  }

  /** Starts test I. Throws `TypeError` when already started. */
  start(now: Millis): void {
    if (this.#step !== "idle") throw new TypeError("NAT behaviour discovery already started");
    this.#query(now, "mapping1", this.#config.server);
  }

  /** Offers a received datagram; returns whether it belonged to the discovery. */
  handleDatagram(now: Millis, dgram: Datagram): boolean {
    if (this.#step === "hairpin" && this.#isOwnRequest(dgram.data)) {
      this.#client.cancel(this.#tid!);
      this.#hairpinning = true;
      this.#finish();
      return true;
    }
    const consumed = this.#client.handleDatagram(now, dgram);
    this.#drain(now);
    return consumed;
  }

  handleTimeout(now: Millis): void {
    this.#client.handleTimeout(now);
    this.#drain(now);
  }

  pollTransmit(): Transmit | undefined {
    return this.#client.pollTransmit();
  }

  pollEvent(): NatBehaviorEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.#step === "done" ? undefined : this.#client.pollTimeout();
  }

  #isOwnRequest(data: Uint8Array): boolean {
    if (!isStunMessage(data)) return false;
    try {
      const m = decodeStunMessage(data);
      const tid = this.#tid!;
      return (
        m.class === "request" &&
        m.method === StunMethod.Binding &&
        m.transactionId.every((b, i) => b === tid[i])
      );
    } catch (e) {
      if (e instanceof DecodeError) return false;
      throw e;
    }
  }

  #query(
    now: Millis,
    step: Step,
    to: SocketAddress,
    change?: { changeIp: boolean; changePort: boolean },
  ): void {
    this.#step = step;
    this.#log.debug(`test ${step}`, { to: `${to.address}:${to.port}` });
    this.#tid = this.#client.query(now, to, change ? { changeRequest: change } : {});
  }

  #drain(now: Millis): void {
    for (let ev = this.#client.pollEvent(); ev; ev = this.#client.pollEvent())
      this.#onResult(now, ev);
  }

  /**
   * Order: test I, the filtering tests, then the mapping tests. Filtering runs first because the
   * mapping tests contact the alternate address, which would open an address-dependent filter
   * to it and make filtering look endpoint-independent.
   */
  #onResult(now: Millis, ev: StunBindingEvent): void {
    switch (this.#step) {
      case "mapping1": {
        if (ev.type !== "success") {
          this.#error =
            ev.type === "timeout" ? "no answer from the server" : `server error ${ev.error.code}`;
          this.#finish();
          return;
        }
        this.#mapped1 = ev.mappedAddress;
        this.#other = ev.otherAddress;
        const local = this.#config.localAddress;
        // RFC 5780 §4.3: a mapped address equal to the local one means no NAT.
        if (local && sameAddress(local, ev.mappedAddress)) this.#mapping = "endpoint-independent";
        if (!this.#other) {
          this.#error = "the server sent no OTHER-ADDRESS: it does not support RFC 5780";
          this.#hairpinOrFinish(now);
          return;
        }
        this.#query(now, "filtering2", this.#config.server, BOTH);
        return;
      }
      case "filtering2":
        if (ev.type === "success") {
          this.#filtering = "endpoint-independent";
          this.#mappingTests(now);
          return;
        }
        if (ev.type === "error") {
          this.#error = `CHANGE-REQUEST refused (${ev.error.code})`;
          this.#mappingTests(now);
          return;
        }
        this.#query(now, "filtering3", this.#config.server, PORT_ONLY);
        return;
      case "filtering3":
        if (ev.type === "success") this.#filtering = "address-dependent";
        else if (ev.type === "timeout") this.#filtering = "address-and-port-dependent";
        else this.#error = `CHANGE-REQUEST refused (${ev.error.code})`;
        this.#mappingTests(now);
        return;
      case "mapping2":
        if (ev.type !== "success") {
          this.#error = "no answer from the server's alternate address";
          this.#hairpinOrFinish(now);
          return;
        }
        this.#mapped2 = ev.mappedAddress;
        if (sameAddress(ev.mappedAddress, this.#mapped1!)) {
          this.#mapping = "endpoint-independent";
          this.#hairpinOrFinish(now);
          return;
        }
        this.#query(now, "mapping3", this.#other!);
        return;
      case "mapping3":
        if (ev.type !== "success")
          this.#error = "no answer from the server's alternate address and port";
        else {
          this.#mapping = sameAddress(ev.mappedAddress, this.#mapped2!)
            ? "address-dependent"
            : "address-and-port-dependent";
        }
        this.#hairpinOrFinish(now);
        return;
      case "hairpin":
        this.#hairpinning = false;
        this.#finish();
        return;
      default:
        return;
    }
  }

  /** RFC 5780 §4.3 tests II and III (skipped when test I found no NAT). */
  #mappingTests(now: Millis): void {
    if (this.#mapping !== "unknown") {
      this.#hairpinOrFinish(now);
      return;
    }
    this.#query(now, "mapping2", { address: this.#other!.address, port: this.#config.server.port });
  }

  #hairpinOrFinish(now: Millis): void {
    if (this.#config.testHairpinning && this.#mapped1) this.#query(now, "hairpin", this.#mapped1);
    else this.#finish();
  }

  #finish(): void {
    this.#step = "done";
    const local = this.#config.localAddress;
    this.#report = Object.freeze({
      mappedAddress: this.#mapped1,
      otherAddress: this.#other,
      natDetected: local && this.#mapped1 ? !sameAddress(local, this.#mapped1) : undefined,
      mapping: this.#mapping,
      filtering: this.#filtering,
      hairpinning: this.#hairpinning,
      error: this.#error,
    });
    this.#events.push({ type: "complete", report: this.#report });
  }
}

const BOTH = Object.freeze({ changeIp: true, changePort: true });
const PORT_ONLY = Object.freeze({ changeIp: false, changePort: true });
