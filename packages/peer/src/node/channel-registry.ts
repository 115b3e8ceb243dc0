/**
 * The data channels of one peer connection (webrtc-pc §6.1, §6.2): `createDataChannel`
 * validation, channels waiting for the SCTP association, the id → channel map the core's
 * events resolve through, bufferedAmount polling, and the counters `getStats` reports.
 */
import type { DataChannelInfo } from "@purertc/sctp";
import {
  type ChannelHost,
  type ChannelSettings,
  RTCDataChannel,
  type RTCDataChannelInit,
} from "./data-channel.js";
import { domError } from "./errors.js";
import { closedError, type PeerContext } from "./peer-context.js";

export class ChannelRegistry {
  readonly #ctx: PeerContext;
  /** Called when the first channel is created: a data section is now wanted. */
  readonly #onWantsData: () => void;
  readonly #host: ChannelHost;
  readonly #channels = new Map<number, RTCDataChannel>();
  #pending: { channel: RTCDataChannel; init: RTCDataChannelInit }[] = [];
  readonly #watched = new Set<RTCDataChannel>();
  #bufferedTaskQueued = false;
  #wantsData = false;
  #opened = 0;
  #closed = 0;

  constructor(ctx: PeerContext, onWantsData: () => void) {
    this.#ctx = ctx;
    this.#onWantsData = onWantsData;
    this.#host = this.#channelHost();
  }

  /** Whether a channel was ever created locally (the offer carries a data section). */
  get wantsData(): boolean {
    return this.#wantsData;
  }
  /** `RTCPeerConnectionStats.dataChannelsOpened`. */
  get opened(): number {
    return this.#opened;
  }
  /** `RTCPeerConnectionStats.dataChannelsClosed`. */
  get closed(): number {
    return this.#closed;
  }
  /** The channels with an id. */
  list(): RTCDataChannel[] {
    return [...this.#channels.values()];
  }
  get(id: number): RTCDataChannel | undefined {
    return this.#channels.get(id);
  }

  /** webrtc-pc §4.10.1 createDataChannel. */
  create(label: string, init: RTCDataChannelInit): RTCDataChannel {
    if (this.#ctx.closed) throw closedError();
    const lbl = String(label ?? "");
    const protocol = String(init.protocol ?? "");
    if (Buffer.byteLength(lbl) > 65535) throw new TypeError("label longer than 65535 bytes");
    if (Buffer.byteLength(protocol) > 65535)
      throw new TypeError("protocol longer than 65535 bytes");
    const clamp = (v: number | undefined) =>
      v === undefined || v === null ? null : Math.min(65535, Math.max(0, Math.trunc(Number(v))));
    const maxPacketLifeTime = clamp(init.maxPacketLifeTime);
    const maxRetransmits = clamp(init.maxRetransmits);
    if (maxPacketLifeTime !== null && maxRetransmits !== null)
      throw new TypeError("maxPacketLifeTime and maxRetransmits are mutually exclusive");
    const negotiated = init.negotiated ?? false;
    const id = init.id === undefined || init.id === null ? null : Math.trunc(Number(init.id));
    if (negotiated && id === null) throw new TypeError("a negotiated channel needs an id");
    if (id !== null && (id < 0 || id > 65534)) throw new TypeError(`invalid id ${id}`);
    const priority = init.priority ?? "low";
    if (!["very-low", "low", "medium", "high"].includes(priority))
      throw new TypeError(`invalid priority ${priority}`);
    const settings: ChannelSettings = {
      label: lbl,
      ordered: init.ordered ?? true,
      maxPacketLifeTime,
      maxRetransmits,
      protocol,
      negotiated,
      id: negotiated ? id : null,
      priority,
    };
    if (id !== null && (this.#channels.has(id) || this.#pending.some((p) => p.init.id === id)))
      throw domError("OperationError", `data channel id ${id} is in use`);
    const channel = new RTCDataChannel(this.#host, settings);
    const core = this.#ctx.runner?.core;
    if (core?.hasSctp) this.#openInCore(channel, { ...init, id: id ?? undefined });
    else this.#pending.push({ channel, init: { ...init, id: id ?? undefined } });
    if (!this.#wantsData) {
      this.#wantsData = true;
      this.#onWantsData();
    }
    return channel;
  }

  /** The SCTP association is configured: the channels created before it are opened. */
  openPending(): void {
    // webrtc-pc §6.1: ids are generated for the null-id channels once the chosen ones are
    // known, so channels with an id (negotiated) are opened first and never lose it.
    const pending = [
      ...this.#pending.filter((p) => p.init.id !== undefined),
      ...this.#pending.filter((p) => p.init.id === undefined),
    ];
    this.#pending = [];
    for (const p of pending) {
      try {
        this.#openInCore(p.channel, p.init);
      } catch (e) {
        const ch = p.channel;
        this.#ctx.queue(() => ch._fail(String(e)));
      }
    }
  }

  /** After each drain: one task updates the bufferedAmount of the watched channels. */
  afterPump(): void {
    if (this.#watched.size === 0 || this.#bufferedTaskQueued) return;
    this.#bufferedTaskQueued = true;
    this.#ctx.queue(() => {
      this.#bufferedTaskQueued = false;
      for (const ch of this.#watched) if (!ch._updateBuffered()) this.#watched.delete(ch);
    });
  }

  /** A channel the peer announced (DCEP OPEN): registered, not yet open. */
  accept(info: DataChannelInfo): RTCDataChannel {
    const ch = new RTCDataChannel(this.#host, {
      label: info.label,
      ordered: info.ordered,
      maxPacketLifeTime: info.maxPacketLifeTime,
      maxRetransmits: info.maxRetransmits,
      protocol: info.protocol,
      negotiated: false,
      id: info.id,
      priority: info.priority,
    });
    this.#channels.set(info.id, ch);
    this.#opened++;
    return ch;
  }

  /** Our channel `id` is open. */
  channelOpened(id: number): void {
    const ch = this.#channels.get(id);
    if (!ch) return;
    this.#opened++;
    ch._open();
  }

  /** The channel `id` finished closing. */
  channelClosed(id: number): void {
    const ch = this.#channels.get(id);
    if (!ch) return;
    this.#channels.delete(id);
    this.#watched.delete(ch);
    this.#closed++;
    ch._closed();
  }

  /** The association closed: every channel closes (with its close event). */
  associationClosed(): void {
    for (const ch of this.#channels.values()) ch._closed();
    this.#channels.clear();
  }

  /** The connection closed: every channel closes without events. */
  close(): void {
    for (const ch of this.#channels.values()) ch._closed(false);
    for (const p of this.#pending) p.channel._closed(false);
    this.#channels.clear();
    this.#pending = [];
  }

  #openInCore(channel: RTCDataChannel, init: RTCDataChannelInit): void {
    const runner = this.#ctx.runner!;
    const id = runner.core.createChannel(runner.now(), {
      label: channel.label,
      protocol: channel.protocol,
      ordered: channel.ordered,
      ...(channel.maxRetransmits !== null ? { maxRetransmits: channel.maxRetransmits } : {}),
      ...(channel.maxPacketLifeTime !== null
        ? { maxPacketLifeTime: channel.maxPacketLifeTime }
        : {}),
      negotiated: channel.negotiated,
      ...(init.id !== undefined ? { id: init.id } : {}),
      priority: channel.priority,
    });
    channel._assignId(id);
    this.#channels.set(id, channel);
    runner.pump();
  }

  #channelHost(): ChannelHost {
    return {
      send: (_ch, id, data) => {
        const r = this.#ctx.runner;
        if (!r || this.#ctx.closed) return;
        r.core.send(r.now(), id, data);
        r.pump();
      },
      close: (_ch, id) => {
        const r = this.#ctx.runner;
        if (!r || this.#ctx.closed) return;
        r.core.closeChannel(r.now(), id);
        r.pump();
      },
      sctpBufferedAmount: (id) => this.#ctx.runner?.core.bufferedAmount(id) ?? 0,
      maxMessageSize: () => this.#ctx.runner?.core.remoteMaxMessageSize ?? 65536,
      watchBuffered: (ch) => {
        this.#watched.add(ch);
        this.afterPump();
      },
    };
  }
}
