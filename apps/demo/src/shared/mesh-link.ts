/**
 * One member-to-member link of a room, handed to @purertc/signal's `connectRoom` as its
 * "peer connection". It forwards to a real RTCPeerConnection (the browser's or @purertc/peer's)
 * that it can replace: `reset()` closes the current one and starts a new generation, which is how
 * the "force P2P failure" toggle rebuilds a pair with every ICE candidate dropped (trickled ones
 * and those inside the SDP, both ways), so ICE has nothing to check and P2P cannot succeed.
 *
 * It also decides the pair's route: `p2p` once the connection is up, `relay` (chat through the
 * signaling server) when it failed or did not come up in time.
 */
import type { DescriptionInit, PeerConnectionLike } from "@purertc/signal";
import type { ChannelLike } from "./channel.js";
import type { SctpLike, StatsReportLike } from "./stats-summary.js";

/** The RTCPeerConnection surface the demo drives (browser and @purertc/peer). */
export interface PcLike {
  readonly localDescription: DescriptionInit | null;
  readonly remoteDescription: DescriptionInit | null;
  readonly signalingState: string;
  readonly connectionState: string;
  readonly iceConnectionState: string;
  readonly sctp: SctpLike | null;
  setLocalDescription(description?: DescriptionInit): Promise<void>;
  setRemoteDescription(description: DescriptionInit): Promise<void>;
  addIceCandidate(candidate?: object): Promise<void>;
  createDataChannel(label: string, init?: { protocol?: string; ordered?: boolean }): ChannelLike;
  getStats(): Promise<StatsReportLike>;
  addEventListener(type: string, listener: (ev: never) => void): void;
  close(): void;
}

export type Route = "connecting" | "p2p" | "relay";

export interface LinkHooks<PC extends PcLike> {
  /** A connection (first or rebuilt) exists: create channels if `initiator`, listen otherwise. */
  setUp(link: MeshLink<PC>, pc: PC, initiator: boolean): void;
  /** Route, reason or generation changed. */
  changed(link: MeshLink<PC>): void;
}

/** How long a pair may take to connect before chat goes through the server. */
export const P2P_TIMEOUT_MS = 12_000;
/** The same when P2P is forced to fail (nothing to wait for: fall back quickly). */
export const BLOCKED_TIMEOUT_MS = 2_500;

type Listener = (ev: never) => void;

const stripCandidates = (sdp: string) => sdp.replace(/^a=candidate:.*\r?\n/gm, "");

export class MeshLink<PC extends PcLike> implements PeerConnectionLike {
  readonly peerId: string;
  #pc: PC;
  readonly #create: () => PC;
  readonly #hooks: LinkHooks<PC>;
  readonly #listeners: [string, Listener][] = [];
  #generation = 0;
  #blocked = false;
  #route: Route = "connecting";
  #reason = "connecting peer to peer";
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** ICE candidates thrown away because P2P is forced to fail (both directions). */
  dropped = 0;

  constructor(peerId: string, create: () => PC, hooks: LinkHooks<PC>) {
    this.peerId = peerId;
    this.#create = create;
    this.#hooks = hooks;
    this.#pc = create();
  }

  /** The current real connection. */
  get pc(): PC {
    return this.#pc;
  }
  get generation(): number {
    return this.#generation;
  }
  get blocked(): boolean {
    return this.#blocked;
  }
  get route(): Route {
    return this.#route;
  }
  /** Why the route is what it is, in words. */
  get reason(): string {
    return this.#reason;
  }

  /** Called once `connectRoom` knows which side opens the channels. */
  start(initiator: boolean): void {
    this.#watch(this.#pc);
    this.#hooks.setUp(this, this.#pc, initiator);
  }

  /**
   * Replaces the connection with a new one (`blocked`: P2P forced to fail). The side that calls
   * it with `initiator` opens the channels and so sends the offer; the other side must reset
   * first (the relay message that asks for it travels ahead of that offer on the same socket).
   */
  reset(blocked: boolean, generation: number, initiator: boolean): void {
    if (this.#closed) return;
    this.#pc.close();
    this.#blocked = blocked;
    this.#generation = generation;
    this.#pc = this.#create();
    for (const [type, fn] of this.#listeners) this.#attach(this.#pc, type, fn);
    this.#setRoute(
      "connecting",
      blocked ? "P2P forced to fail: dropping ICE candidates" : "reconnecting peer to peer",
    );
    this.start(initiator);
  }

  // PeerConnectionLike, for connectRoom: everything goes to the current connection.
  get localDescription(): DescriptionInit | null {
    return this.#pc.localDescription;
  }
  get remoteDescription(): DescriptionInit | null {
    return this.#pc.remoteDescription;
  }
  get signalingState(): string {
    return this.#pc.signalingState;
  }
  setLocalDescription(description?: DescriptionInit): Promise<void> {
    return this.#pc.setLocalDescription(description);
  }
  setRemoteDescription(description: DescriptionInit): Promise<void> {
    if (this.#blocked && description.sdp !== undefined) {
      const sdp = stripCandidates(description.sdp);
      if (sdp !== description.sdp) this.dropped++;
      return this.#pc.setRemoteDescription({ type: description.type, sdp });
    }
    return this.#pc.setRemoteDescription(description);
  }
  async addIceCandidate(candidate?: object): Promise<void> {
    if (this.#blocked && candidate) {
      this.dropped++;
      return;
    }
    try {
      await this.#pc.addIceCandidate(candidate);
    } catch (e) {
      // A candidate of the previous generation can arrive after a reset; it belongs to a
      // connection that no longer exists, so it is not an error of this one.
      if (this.#generation === 0) throw e;
    }
  }
  addEventListener(type: string, listener: Listener): void {
    this.#listeners.push([type, listener]);
    this.#attach(this.#pc, type, listener);
  }
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#pc.close();
    this.#setRoute("relay", "peer left");
  }

  #attach(pc: PC, type: string, listener: Listener): void {
    pc.addEventListener(type, ((ev: { candidate?: unknown }) => {
      if (pc !== this.#pc) return; // an old generation
      if (type === "icecandidate" && this.#blocked && ev.candidate) {
        this.dropped++;
        return;
      }
      (listener as (e: unknown) => void)(ev);
    }) as Listener);
  }

  #watch(pc: PC): void {
    clearTimeout(this.#timer);
    const limit = this.#blocked ? BLOCKED_TIMEOUT_MS : P2P_TIMEOUT_MS;
    this.#timer = setTimeout(() => {
      if (pc !== this.#pc || this.#route !== "connecting") return;
      this.#setRoute(
        "relay",
        this.#blocked
          ? "P2P forced to fail (ICE candidates dropped): chat relayed by the signaling server"
          : `no peer-to-peer connection after ${limit / 1000} s: chat relayed by the signaling server`,
      );
    }, limit);
    pc.addEventListener("connectionstatechange", (() => {
      if (pc !== this.#pc) return;
      const s = pc.connectionState;
      if (s === "connected") {
        clearTimeout(this.#timer);
        this.#setRoute("p2p", "connected peer to peer");
      } else if (s === "failed")
        this.#setRoute(
          "relay",
          "peer-to-peer connection failed: chat relayed by the signaling server",
        );
      else if (s === "disconnected" && this.#route === "p2p")
        this.#setRoute(
          "relay",
          "peer-to-peer connection interrupted: chat relayed by the signaling server",
        );
    }) as Listener);
  }

  #setRoute(route: Route, reason: string): void {
    this.#route = route;
    this.#reason = reason;
    this.#hooks.changed(this);
  }
}
