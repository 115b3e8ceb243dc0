import {
  type Datagram,
  type Endpoint,
  type Millis,
  type SocketAddress,
  seededRng,
  type Transmit,
} from "@purertc/common";
import { type LinkConditions, type Pair, pair } from "@purertc/testkit";
import { SctpAssociation } from "../../src/association/association.js";
import type { SctpConfig } from "../../src/config.js";
import {
  DataChannelEndpoint,
  type DataChannelEvent,
} from "../../src/data-channel/data-channel-endpoint.js";
import type { SctpEvent } from "../../src/events.js";

/** A sans-IO machine speaking bytes (an association or a data channel endpoint). */
export interface BytesMachine<Ev> {
  handleDatagram(now: Millis, data: Uint8Array): void;
  handleTimeout(now: Millis): void;
  pollTransmit(): Uint8Array | undefined;
  pollEvent(): Ev | undefined;
  pollTimeout(): Millis | undefined;
  describe(): string;
}

/** Presents a bytes machine as a testkit endpoint with a fixed peer. */
export class SctpEndpoint<Ev = SctpEvent> implements Endpoint<Ev> {
  readonly assoc: BytesMachine<Ev>;
  readonly #peer: SocketAddress;

  constructor(assoc: BytesMachine<Ev>, peer: SocketAddress) {
    this.assoc = assoc;
    this.#peer = peer;
  }

  handleDatagram(now: Millis, d: Datagram): void {
    this.assoc.handleDatagram(now, d.data);
  }

  handleTimeout(now: Millis): void {
    this.assoc.handleTimeout(now);
  }

  pollTransmit(): Transmit | undefined {
    const data = this.assoc.pollTransmit();
    return data && { to: this.#peer, data };
  }

  pollEvent(): Ev | undefined {
    return this.assoc.pollEvent();
  }

  pollTimeout(): Millis | undefined {
    return this.assoc.pollTimeout();
  }

  describe(): string {
    return this.assoc.describe();
  }
}

export interface SimPairOptions {
  readonly seed?: number;
  readonly link?: Partial<LinkConditions>;
  readonly a?: Partial<SctpConfig>;
  readonly b?: Partial<SctpConfig>;
  readonly maxSteps?: number;
  readonly timeoutMs?: number;
}

/** Two associations on a NetSim pair (a = 10.0.0.1, b = 10.0.0.2), not yet connected. */
export function simPair(
  o: SimPairOptions = {},
): Pair<SctpEvent, SctpEvent> & { A: SctpAssociation; B: SctpAssociation } {
  const seed = o.seed ?? 1;
  const A = new SctpAssociation({ rng: seededRng(seed * 2 + 1), ...o.a });
  const B = new SctpAssociation({ rng: seededRng(seed * 2 + 2), ...o.b });
  const p = pair(
    new SctpEndpoint(A, { address: "10.0.0.2", port: 5000 }),
    new SctpEndpoint(B, { address: "10.0.0.1", port: 5000 }),
    {
      seed,
      link: o.link ?? {},
      maxSteps: o.maxSteps ?? 50_000_000,
      timeoutMs: o.timeoutMs ?? 3_600_000,
    },
  );
  return { ...p, A, B };
}

/** Connects both sides (both send INIT, as WebRTC stacks do) and runs until both are up. */
export function connectPair(p: ReturnType<typeof simPair>, both = true): void {
  p.A.connect(p.driver.now);
  if (both) p.B.connect(p.driver.now);
  p.driver.flush();
  p.driver.runUntil(() => p.A.state === "established" && p.B.state === "established");
}

/** Two data channel endpoints (a = DTLS client, b = DTLS server) on a NetSim pair. */
export function dcPair(o: SimPairOptions = {}) {
  const seed = o.seed ?? 1;
  const A = new DataChannelEndpoint({ role: "client", rng: seededRng(seed * 2 + 1), ...o.a });
  const B = new DataChannelEndpoint({ role: "server", rng: seededRng(seed * 2 + 2), ...o.b });
  const p = pair(
    new SctpEndpoint<DataChannelEvent>(A, { address: "10.0.0.2", port: 5000 }),
    new SctpEndpoint<DataChannelEvent>(B, { address: "10.0.0.1", port: 5000 }),
    {
      seed,
      link: o.link ?? {},
      maxSteps: o.maxSteps ?? 50_000_000,
      timeoutMs: o.timeoutMs ?? 3_600_000,
    },
  );
  return { ...p, A, B };
}

/** Connects a data channel pair and runs until both associations are up. */
export function connectDc(p: ReturnType<typeof dcPair>): void {
  p.A.connect(p.driver.now);
  p.B.connect(p.driver.now);
  p.driver.flush();
  p.driver.runUntil(
    () => p.A.association.state === "established" && p.B.association.state === "established",
  );
}
