import { Fifo, type Millis, utf8Encode } from "@purertc/common";
import { SctpAssociation, setStreamWeight } from "../association/association.js";
import type { AssociationStats } from "../association/stats.js";
import type { SctpConfig } from "../config.js";
import { Ppid } from "../constants.js";
import type { CloseReason, SctpEvent } from "../events.js";
import {
  Channel,
  type DataChannelInfo,
  type DataChannelInit,
  type DataChannelState,
  type DataChannelStats,
  infoFromOpen,
  openMessageFor,
  PRIORITY_VALUE,
} from "./channel.js";
import { decodeDcep, encodeDcep } from "./dcep.js";
import { decodeUserMessage } from "./user-message.js";

/** Settings of a {@link DataChannelEndpoint}: the association's, plus the DTLS role. */
export interface DataChannelConfig extends SctpConfig {
  /**
   * Our DTLS role: the DTLS client uses even stream ids, the server odd ones (RFC 8832 §6).
   */
  readonly role: "client" | "server";
}

/** Everything a {@link DataChannelEndpoint} reports through `pollEvent()`. */
export type DataChannelEvent =
  /** The SCTP association is up: channels created so far are opening. */
  | { readonly type: "connected" }
  /** The peer opened a channel in-band (DCEP); it is open. */
  | { readonly type: "datachannel"; readonly channel: DataChannelInfo }
  /** One of our channels is open. */
  | { readonly type: "open"; readonly id: number }
  /** A message: text for string PPIDs, bytes otherwise. */
  | { readonly type: "message"; readonly id: number; readonly data: string | Uint8Array }
  | { readonly type: "buffered-amount-low"; readonly id: number }
  /** The peer started closing the channel. */
  | { readonly type: "closing"; readonly id: number }
  | { readonly type: "close"; readonly id: number }
  /** The association ended; every channel is closed. */
  | { readonly type: "closed"; readonly reason: CloseReason };

const EMPTY = Uint8Array.of(0);

/**
 * WebRTC data channels (RFC 8831, RFC 8832) over one {@link SctpAssociation}: channel
 * creation with DCEP or pre-negotiated ids, the PPID conventions for text and binary,
 * partial reliability from the channel options, bufferedAmount, and closing by stream reset.
 * A sans-IO machine: the same handle/poll drain rule as the association.
 */
export class DataChannelEndpoint {
  readonly association: SctpAssociation;
  readonly #role: "client" | "server";
  readonly #channels = new Map<number, Channel>();
  readonly #events = new Fifo<DataChannelEvent>();
  #connected = false;

  constructor(config: Partial<DataChannelConfig> & { readonly role: "client" | "server" }) {
    const { role, ...sctp } = config;
    if (role !== "client" && role !== "server")
      throw new TypeError(`role must be "client" or "server"`);
    this.#role = role;
    this.association = new SctpAssociation(sctp);
  }

  // ---- sans-IO ---------------------------------------------------------------------------

  connect(now: Millis): void {
    this.association.connect(now);
    this.#pump(now);
  }

  handleDatagram(now: Millis, packet: Uint8Array): void {
    this.association.handleDatagram(now, packet);
    this.#pump(now);
  }

  handleTimeout(now: Millis): void {
    this.association.handleTimeout(now);
    this.#pump(now);
  }

  pollTransmit(): Uint8Array | undefined {
    return this.association.pollTransmit();
  }

  pollEvent(): DataChannelEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.association.pollTimeout();
  }

  describe(): string {
    return `${this.association.describe()} channels=${this.#channels.size}`;
  }

  // ---- channels --------------------------------------------------------------------------

  /**
   * Creates a channel and returns its stream id. In-band channels send DATA_CHANNEL_OPEN
   * (RFC 8832 §6); negotiated ones need the same `id` on both sides.
   */
  createChannel(now: Millis, init: DataChannelInit = {}): number {
    if (this.association.ended) throw new TypeError("the SCTP association is closed");
    const label = init.label ?? "";
    const protocol = init.protocol ?? "";
    if (utf8Encode(label).byteLength > 65535 || utf8Encode(protocol).byteLength > 65535) {
      throw new TypeError("label and protocol are limited to 65535 bytes");
    }
    if (init.maxRetransmits !== undefined && init.maxPacketLifeTime !== undefined) {
      throw new TypeError("maxRetransmits and maxPacketLifeTime are mutually exclusive");
    }
    for (const v of [init.maxRetransmits, init.maxPacketLifeTime]) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff))
        throw new TypeError(`invalid reliability ${v}`);
    }
    const negotiated = init.negotiated ?? false;
    let id = init.id;
    if (negotiated && id === undefined) throw new TypeError("a negotiated channel needs an id");
    if (id === undefined) id = this.#allocateId();
    if (!Number.isInteger(id) || id < 0 || id > 65534)
      throw new TypeError(`invalid channel id ${id}`);
    if (this.#channels.has(id)) throw new TypeError(`channel id ${id} is in use`);
    const ch = new Channel({
      id,
      label,
      protocol,
      ordered: init.ordered ?? true,
      maxRetransmits: init.maxRetransmits ?? null,
      maxPacketLifeTime: init.maxPacketLifeTime ?? null,
      negotiated,
      priority: init.priority ?? "low",
    });
    this.#register(ch);
    if (!negotiated) {
      ch.awaitingAck = true;
      this.association.send(now, id, Ppid.DCEP, encodeDcep(openMessageFor(ch.info)), {
        internal: true,
      });
    }
    if (this.#connected) this.#open(ch);
    return id;
  }

  /** Sends a message: a string as UTF-8 (PPID 51/56), bytes as binary (PPID 53/57). */
  send(now: Millis, id: number, data: string | Uint8Array): void {
    const ch = this.#channels.get(id);
    if (ch?.state !== "open") throw new TypeError(`channel ${id} is not open`);
    let bytes: Uint8Array;
    let ppid: number;
    if (typeof data === "string") {
      bytes = data.length === 0 ? EMPTY : utf8Encode(data);
      ppid = data.length === 0 ? Ppid.STRING_EMPTY : Ppid.STRING;
    } else {
      bytes = data.byteLength === 0 ? EMPTY : data;
      ppid = data.byteLength === 0 ? Ppid.BINARY_EMPTY : Ppid.BINARY;
    }
    const info = ch.info;
    this.association.send(now, id, ppid, bytes, {
      // RFC 8832 §6: until the ACK arrives, messages go ordered so they cannot overtake the OPEN.
      unordered: !info.ordered && !ch.awaitingAck,
      ...(info.maxRetransmits !== null ? { maxRetransmits: info.maxRetransmits } : {}),
      ...(info.maxPacketLifeTime !== null ? { lifetimeMs: info.maxPacketLifeTime } : {}),
    });
    ch.messagesSent++;
    ch.bytesSent += ppid === Ppid.STRING_EMPTY || ppid === Ppid.BINARY_EMPTY ? 0 : bytes.byteLength;
  }

  /** Starts closing a channel (RFC 8831 §6.7: reset its outgoing stream after queued data). */
  close(now: Millis, id: number): void {
    const ch = this.#channels.get(id);
    if (!ch || ch.state === "closing" || ch.state === "closed") return;
    ch.state = "closing";
    if (this.association.ended || !this.association.capabilities.reConfig) {
      this.#closed(ch);
      return;
    }
    this.association.resetStreams(now, [id]);
    this.#pump(now);
  }

  /** Bytes queued on the channel and not yet sent (W3C `bufferedAmount`). */
  bufferedAmount(id: number): number {
    return this.association.bufferedAmount(id);
  }

  /** W3C `bufferedAmountLowThreshold`: a `buffered-amount-low` event fires on crossing it. */
  setBufferedAmountLowThreshold(id: number, bytes: number): void {
    this.association.setBufferedAmountLowThreshold(id, bytes);
  }

  channel(id: number): DataChannelInfo | undefined {
    return this.#channels.get(id)?.info;
  }

  channelState(id: number): DataChannelState {
    return this.#channels.get(id)?.state ?? "closed";
  }

  channelStats(id: number): DataChannelStats | undefined {
    const ch = this.#channels.get(id);
    if (!ch) return undefined;
    return {
      id,
      label: ch.info.label,
      protocol: ch.info.protocol,
      state: ch.state,
      messagesSent: ch.messagesSent,
      bytesSent: ch.bytesSent,
      messagesReceived: ch.messagesReceived,
      bytesReceived: ch.bytesReceived,
      bufferedAmount: this.association.bufferedAmount(id),
    };
  }

  stats(): AssociationStats {
    return this.association.stats();
  }

  /** The peer's message size limit (its SDP `a=max-message-size`; 0 = none). */
  set maxMessageSize(v: number) {
    this.association.maxMessageSize = v;
  }

  get maxMessageSize(): number {
    return this.association.maxMessageSize;
  }

  shutdown(now: Millis): void {
    this.association.shutdown(now);
    this.#pump(now);
  }

  abort(now: Millis, reason?: string): void {
    this.association.abort(now, reason);
    this.#pump(now);
  }

  // ---- internals -------------------------------------------------------------------------

  #allocateId(): number {
    for (let id = this.#role === "client" ? 0 : 1; id <= 65534; id += 2)
      if (!this.#channels.has(id)) return id;
    throw new RangeError("no free stream id");
  }

  #register(ch: Channel): void {
    const { id, priority } = ch.info;
    this.#channels.set(id, ch);
    // RFC 8831 §6.4: the channel's priority is its stream's scheduling weight.
    setStreamWeight(this.association, id, PRIORITY_VALUE[priority]);
  }

  #open(ch: Channel): void {
    if (ch.state !== "connecting") return;
    ch.state = "open";
    this.#events.push({ type: "open", id: ch.info.id });
  }

  #closed(ch: Channel): void {
    if (ch.state === "closed") return;
    ch.state = "closed";
    this.#channels.delete(ch.info.id);
    this.#events.push({ type: "close", id: ch.info.id });
  }

  #pump(now: Millis): void {
    for (let e = this.association.pollEvent(); e !== undefined; e = this.association.pollEvent())
      this.#onEvent(now, e);
  }

  #onEvent(now: Millis, e: SctpEvent): void {
    switch (e.type) {
      case "connected":
        this.#connected = true;
        this.#events.push({ type: "connected" });
        for (const ch of this.#channels.values()) this.#open(ch);
        return;
      case "message":
        this.#onMessage(now, e.streamId, e.ppid, e.data);
        return;
      case "buffered-amount-low":
        if (this.#channels.has(e.streamId))
          this.#events.push({ type: "buffered-amount-low", id: e.streamId });
        return;
      case "incoming-streams-reset":
        for (const id of e.streams) this.#onIncomingReset(now, id);
        return;
      case "outgoing-streams-reset":
        for (const id of e.streams) {
          const ch = this.#channels.get(id);
          if (!ch) continue;
          ch.outgoingReset = true;
          if (ch.incomingReset) this.#closed(ch);
        }
        return;
      case "error":
        return;
      case "closed":
        for (const ch of [...this.#channels.values()]) this.#closed(ch);
        this.#events.push({ type: "closed", reason: e.reason });
        return;
    }
  }

  #onIncomingReset(now: Millis, id: number): void {
    const ch = this.#channels.get(id);
    if (!ch) return;
    ch.incomingReset = true;
    if (ch.state === "open" || ch.state === "connecting") {
      // RFC 8831 §6.7: the peer closed; reset our side too.
      ch.state = "closing";
      this.#events.push({ type: "closing", id });
      if (!this.association.ended) this.association.resetStreams(now, [id]);
    }
    if (ch.outgoingReset) this.#closed(ch);
  }

  #onMessage(now: Millis, id: number, ppid: number, data: Uint8Array): void {
    if (ppid === Ppid.DCEP) {
      this.#onDcep(now, id, data);
      return;
    }
    const ch = this.#channels.get(id);
    if (!ch || ch.state === "closed") return;
    ch.awaitingAck = false; // RFC 8832 §6: any message implies the peer saw our OPEN
    const out = decodeUserMessage(ch, ppid, data);
    if (out === undefined) return;
    ch.messagesReceived++;
    ch.bytesReceived +=
      typeof out === "string" ? (ppid === Ppid.STRING_EMPTY ? 0 : data.byteLength) : out.byteLength;
    this.#events.push({ type: "message", id, data: out });
  }

  #onDcep(now: Millis, id: number, data: Uint8Array): void {
    let m: ReturnType<typeof decodeDcep>;
    try {
      m = decodeDcep(data);
    } catch {
      return; // malformed DCEP: ignored (RFC 8832 does not define an error response)
    }
    if (m.kind === "ack") {
      const ch = this.#channels.get(id);
      if (ch) ch.awaitingAck = false;
      return;
    }
    if (this.#channels.has(id)) return; // id collision: the existing channel wins
    const ch = new Channel(infoFromOpen(id, m));
    this.#register(ch);
    // RFC 8832 §6: answer with DATA_CHANNEL_ACK on the same stream, ordered and reliable.
    this.association.send(now, id, Ppid.DCEP, encodeDcep({ kind: "ack" }), { internal: true });
    ch.state = "open";
    this.#events.push({ type: "datachannel", channel: ch.info });
  }
}
