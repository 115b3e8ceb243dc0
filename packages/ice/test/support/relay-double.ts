/**
 * A minimal test-only relay (not TURN): a server endpoint with relayed ports on one public host
 * and a client implementing IceRelayClient, with permissions like TURN (RFC 8656 §9) so
 * filtering matters. Frames start with 0x40-0x44, which no STUN message does.
 */
import {
  type Datagram,
  Fifo,
  type Millis,
  type SocketAddress,
  sameSocketAddress,
  type Transmit,
  utf8Decode,
  utf8Encode,
} from "@purertc/common";
import type { IceRelayClient, IceRelayEvent } from "../../src/index.js";

const ALLOCATE = 0x40;
const ALLOCATED = 0x41;
const PERMIT = 0x42;
const SEND = 0x43;
const DATA = 0x44;

function frame(
  type: number,
  addr: SocketAddress,
  data: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const a = utf8Encode(addr.address);
  const out = new Uint8Array(4 + a.length + data.length);
  out[0] = type;
  out[1] = addr.port >> 8;
  out[2] = addr.port & 0xff;
  out[3] = a.length;
  out.set(a, 4);
  out.set(data, 4 + a.length);
  return out;
}

function unframe(b: Uint8Array): { type: number; addr: SocketAddress; data: Uint8Array } {
  const len = b[3] ?? 0;
  return {
    type: b[0]!,
    addr: { address: utf8Decode(b.subarray(4, 4 + len)), port: (b[1]! << 8) | b[2]! },
    data: b.subarray(4 + len),
  };
}

interface Allocation {
  readonly client: SocketAddress;
  readonly relayed: SocketAddress;
  readonly permitted: Set<string>;
}

/** The relay server: attach it at `[server, ...relayedPorts]` of one host. */
export class TestRelayServer {
  readonly server: SocketAddress;
  readonly #free: SocketAddress[];
  readonly #allocations: Allocation[] = [];
  readonly #out = new Fifo<Transmit>();
  relayedPackets = 0;

  constructor(server: SocketAddress, relayed: readonly SocketAddress[]) {
    this.server = server;
    this.#free = [...relayed];
  }

  handleDatagram(_now: Millis, d: Datagram): void {
    const to = d.to ?? this.server;
    if (sameSocketAddress(to, this.server)) {
      const f = unframe(d.data);
      let a = this.#allocations.find((x) => sameSocketAddress(x.client, d.from));
      if (f.type === ALLOCATE) {
        if (!a) {
          const relayed = this.#free.shift();
          if (!relayed) return;
          a = { client: d.from, relayed, permitted: new Set() };
          this.#allocations.push(a);
        }
        this.#out.push({
          from: this.server,
          to: d.from,
          data: frame(ALLOCATED, a.relayed, frame(0, d.from)),
        });
      } else if (a && f.type === PERMIT) a.permitted.add(f.addr.address);
      else if (a && f.type === SEND && a.permitted.has(f.addr.address)) {
        this.relayedPackets++;
        this.#out.push({ from: a.relayed, to: f.addr, data: f.data.slice() });
      }
      return;
    }
    const a = this.#allocations.find((x) => sameSocketAddress(x.relayed, to));
    if (!a?.permitted.has(d.from.address)) return;
    this.relayedPackets++;
    this.#out.push({ from: this.server, to: a.client, data: frame(DATA, d.from, d.data) });
  }

  handleTimeout(_now: Millis): void {}
  pollTransmit(): Transmit | undefined {
    return this.#out.shift();
  }
  pollEvent(): undefined {
    return undefined;
  }
  pollTimeout(): Millis | undefined {
    return undefined;
  }
}

/** The client half, owned by an agent; `local` is the agent socket it sends from. */
export class TestRelayClient implements IceRelayClient {
  readonly server: SocketAddress;
  readonly url: string;
  readonly protocol = "udp" as const;
  readonly #local: SocketAddress;
  readonly #out = new Fifo<Transmit>();
  readonly #events = new Fifo<IceRelayEvent>();
  #deadline: Millis | undefined;
  #retry: Millis | undefined;
  #allocated = false;
  closed = false;
  permits: string[] = [];

  constructor(server: SocketAddress, local: SocketAddress) {
    this.server = server;
    this.#local = local;
    this.url = `turn:${server.address}:${server.port}?transport=udp`;
  }

  start(now: Millis): void {
    this.#deadline = now + 5000;
    this.#send(frame(ALLOCATE, this.server));
    this.#retry = now + 500;
  }
  permit(_now: Millis, peer: SocketAddress): void {
    this.permits.push(peer.address);
    this.#send(frame(PERMIT, peer));
  }
  sendToPeer(_now: Millis, peer: SocketAddress, data: Uint8Array): void {
    this.#send(frame(SEND, peer, data));
  }
  handleDatagram(_now: Millis, d: Datagram): boolean {
    const f = unframe(d.data);
    if (f.type === ALLOCATED && !this.#allocated) {
      this.#allocated = true;
      this.#retry = undefined;
      this.#deadline = undefined;
      this.#events.push({ type: "allocated", relayed: f.addr, mapped: unframe(f.data).addr });
      return true;
    }
    if (f.type === DATA) {
      this.#events.push({ type: "data", peer: f.addr, data: f.data.slice() });
      return true;
    }
    return f.type === ALLOCATED;
  }
  handleTimeout(now: Millis): void {
    if (this.#deadline !== undefined && now >= this.#deadline) {
      this.#deadline = undefined;
      this.#retry = undefined;
      this.#events.push({ type: "failed", reason: "relay did not answer" });
    } else if (this.#retry !== undefined && now >= this.#retry) {
      this.#send(frame(ALLOCATE, this.server));
      this.#retry = now + 500;
    }
  }
  pollTransmit(): Transmit | undefined {
    return this.#out.shift();
  }
  pollEvent(): IceRelayEvent | undefined {
    return this.#events.shift();
  }
  pollTimeout(): Millis | undefined {
    if (this.#retry === undefined) return this.#deadline;
    return Math.min(this.#retry, this.#deadline ?? Number.POSITIVE_INFINITY);
  }
  close(): void {
    this.closed = true;
  }
  #send(data: Uint8Array): void {
    this.#out.push({ from: this.#local, to: this.server, data });
  }
}
