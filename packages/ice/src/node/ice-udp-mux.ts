/**
 * Single-port mode: one UDP socket shared by many agents (what servers with thousands of peers
 * need). Binding requests are routed by the local ufrag in USERNAME (RFC 8445 §7.2.2:
 * "RFRAG:LFRAG", the first part is ours); everything else by the remote address an agent has
 * already talked to.
 */
import type { Socket } from "node:dgram";
import { normalizeIp, type SocketAddress } from "@purertc/common";
import { decodeStunMessage, getAttribute, isStunMessage, Username } from "@purertc/stun";
import { bindUdp, closeUdp, type PortRange } from "./udp-socket.js";

/** A receiver registered with an {@link IceUdpMux}. */
export interface IceMuxSink {
  receive(data: Uint8Array, from: SocketAddress, to: SocketAddress): void;
}

/** Counters of an {@link IceUdpMux}. */
export interface IceUdpMuxStats {
  readonly routedByUfrag: number;
  readonly routedByAddress: number;
  readonly dropped: number;
}

const key = (a: SocketAddress) => `${a.address}|${a.port}`;

/** One socket, many agents. */
export class IceUdpMux {
  readonly localAddress: SocketAddress;
  readonly #socket: Socket;
  readonly #byUfrag = new Map<string, IceMuxSink>();
  readonly #byRemote = new Map<string, IceMuxSink[]>();
  #routedByUfrag = 0;
  #routedByAddress = 0;
  #dropped = 0;
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    const a = socket.address();
    this.localAddress = { address: normalizeIp(a.address), port: a.port };
    socket.on("message", (data, rinfo) =>
      this.#receive(data, { address: normalizeIp(rinfo.address), port: rinfo.port }),
    );
    socket.on("error", () => {
      this.#dropped++;
    });
  }

  /** Binds the shared socket (port 0: ephemeral; or the first free port of `range`). */
  static async bind(address: string, port = 0, range?: PortRange): Promise<IceUdpMux> {
    const socket =
      port === 0 ? await bindUdp(address, range) : await bindUdp(address, { min: port, max: port });
    return new IceUdpMux(socket);
  }

  /** Routes Binding requests whose USERNAME starts with `ufrag:` to `sink`. */
  register(ufrag: string, sink: IceMuxSink): void {
    this.#byUfrag.set(ufrag, sink);
  }

  /** Forgets everything routed to `sink`. */
  unregister(sink: IceMuxSink): void {
    for (const [u, s] of this.#byUfrag) if (s === sink) this.#byUfrag.delete(u);
    for (const [k, list] of this.#byRemote) {
      const rest = list.filter((s) => s !== sink);
      if (rest.length === 0) this.#byRemote.delete(k);
      else this.#byRemote.set(k, rest);
    }
  }

  /** Sends for `sink`, which then also receives what `to` sends back. */
  send(sink: IceMuxSink, data: Uint8Array, to: SocketAddress): void {
    if (this.#closed) return;
    this.#learn(sink, to);
    this.#socket.send(data, to.port, to.address);
  }

  stats(): IceUdpMuxStats {
    return {
      routedByUfrag: this.#routedByUfrag,
      routedByAddress: this.#routedByAddress,
      dropped: this.#dropped,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#byUfrag.clear();
    this.#byRemote.clear();
    await closeUdp(this.#socket);
  }

  #learn(sink: IceMuxSink, remote: SocketAddress): void {
    const k = key(remote);
    const list = this.#byRemote.get(k);
    if (!list) this.#byRemote.set(k, [sink]);
    else if (!list.includes(sink)) list.push(sink);
  }

  #receive(data: Uint8Array, from: SocketAddress): void {
    // A Binding request (type 0x0001) names its agent.
    if (data[0] === 0 && data[1] === 1 && isStunMessage(data)) {
      const sink = this.#sinkForRequest(data);
      if (sink) {
        this.#routedByUfrag++;
        this.#learn(sink, from);
        sink.receive(data, from, this.localAddress);
        return;
      }
    }
    const list = this.#byRemote.get(key(from));
    if (!list) {
      this.#dropped++;
      return;
    }
    this.#routedByAddress++;
    for (const s of list) s.receive(data, from, this.localAddress);
  }

  #sinkForRequest(data: Uint8Array): IceMuxSink | undefined {
    try {
      const user = getAttribute(decodeStunMessage(data), Username);
      if (user === undefined) return undefined;
      const colon = user.indexOf(":");
      return this.#byUfrag.get(colon < 0 ? user : user.slice(0, colon));
    } catch {
      return undefined;
    }
  }
}
