import type { Json, JsonObject } from "../protocol/json-rpc.js";
import type { SignalClient } from "./signal-client.js";

/**
 * Wires RTCPeerConnections to a room with "perfect negotiation" (W3C WebRTC §10.7): one
 * connection per other member, the polite peer rolls back on an offer collision, the impolite
 * one ignores the colliding offer, and ICE candidates trickle through the server. Works with the
 * browser's RTCPeerConnection and @purertc/peer's (anything matching {@link PeerConnectionLike}).
 */

/** A session description as JSON (`RTCSessionDescriptionInit`). */
export interface DescriptionInit {
  readonly type: "offer" | "answer" | "pranswer" | "rollback";
  readonly sdp?: string;
}

/** The part of RTCPeerConnection the helper drives. */
export interface PeerConnectionLike {
  readonly localDescription: DescriptionInit | null;
  readonly remoteDescription: DescriptionInit | null;
  readonly signalingState: string;
  setLocalDescription(description?: DescriptionInit): Promise<void>;
  setRemoteDescription(description: DescriptionInit): Promise<void>;
  addIceCandidate(candidate?: JsonObject): Promise<void>;
  addEventListener(type: "negotiationneeded", listener: () => void): void;
  addEventListener(
    type: "icecandidate",
    listener: (ev: { readonly candidate: { toJSON(): object } | null }) => void,
  ): void;
  close(): void;
}

/** One remote member and its connection. */
export interface RoomPeer<PC extends PeerConnectionLike> {
  readonly peerId: string;
  readonly pc: PC;
  /** This side rolls back on an offer collision. */
  readonly polite: boolean;
  /** This side arrived later (it found the other in the room): create data channels here. */
  readonly initiator: boolean;
}

export interface ConnectRoomOptions<PC extends PeerConnectionLike> {
  readonly client: SignalClient;
  /** Creates the connection for a remote peer (ICE servers etc. are yours). */
  createPeerConnection(peerId: string): PC;
  /** A connection was created: add tracks / data channels here (negotiation follows). */
  onPeer?(peer: RoomPeer<PC>): void;
  /** The peer left (or the session was lost): its connection is already closed. */
  onPeerClosed?(peerId: string): void;
  /** App data that came through the server (`message`): the relay fallback. */
  onMessage?(from: string, data: Json, broadcast: boolean): void;
  /** A negotiation step failed (reported, not thrown). */
  onError?(peerId: string, error: unknown): void;
}

/** The handle {@link connectRoom} returns. */
export interface RoomConnection<PC extends PeerConnectionLike> {
  readonly peers: ReadonlyMap<string, RoomPeer<PC>>;
  /** Sends app data through the server to one peer (relay fallback) or everyone (`undefined`). */
  send(to: string | undefined, data: Json): Promise<true>;
  /** Closes every connection and stops listening (does not leave the room). */
  close(): void;
}

interface PeerState<PC extends PeerConnectionLike> extends RoomPeer<PC> {
  makingOffer: boolean;
  ignoreOffer: boolean;
  /** Steps run one after another so descriptions and candidates apply in arrival order. */
  chain: Promise<void>;
  /** Candidates that arrived before any remote description. */
  early: (JsonObject | null)[];
  closed: boolean;
}

/**
 * Connects the room the client has joined (or will join): existing members get a connection
 * now (`initiator: true`), newcomers when they arrive.
 */
export function connectRoom<PC extends PeerConnectionLike>(
  options: ConnectRoomOptions<PC>,
): RoomConnection<PC> {
  const { client } = options;
  const peers = new Map<string, PeerState<PC>>();
  const report = (peerId: string, e: unknown) => options.onError?.(peerId, e);

  const add = (peerId: string, initiator: boolean): PeerState<PC> => {
    const existing = peers.get(peerId);
    if (existing) return existing;
    const pc = options.createPeerConnection(peerId);
    // Both sides must agree on who is polite without talking: compare the ids.
    const polite = (client.peerId ?? "") < peerId;
    const p: PeerState<PC> = {
      peerId,
      pc,
      polite,
      initiator,
      makingOffer: false,
      ignoreOffer: false,
      chain: Promise.resolve(),
      early: [],
      closed: false,
    };
    peers.set(peerId, p);
    pc.addEventListener("negotiationneeded", () => {
      void (async () => {
        try {
          p.makingOffer = true;
          await pc.setLocalDescription();
          if (!p.closed && pc.localDescription)
            await client.offer(peerId, toJson(pc.localDescription));
        } catch (e) {
          report(peerId, e);
        } finally {
          p.makingOffer = false;
        }
      })();
    });
    pc.addEventListener("icecandidate", (ev) => {
      if (p.closed) return;
      const c = ev.candidate
        ? (JSON.parse(JSON.stringify(ev.candidate.toJSON())) as JsonObject)
        : null;
      client.candidate(peerId, c).catch((e: unknown) => report(peerId, e));
    });
    options.onPeer?.(p);
    return p;
  };

  const remove = (peerId: string) => {
    const p = peers.get(peerId);
    if (!p) return;
    p.closed = true;
    peers.delete(peerId);
    p.pc.close();
    options.onPeerClosed?.(peerId);
  };

  const step = (p: PeerState<PC>, fn: () => Promise<void>) => {
    p.chain = p.chain.then(fn).catch((e: unknown) => report(p.peerId, e));
  };

  const onDescription = (from: string, description: Json) => {
    const d = description as unknown as DescriptionInit;
    const p = peers.get(from) ?? add(from, false);
    step(p, async () => {
      const pc = p.pc;
      const collision = d.type === "offer" && (p.makingOffer || pc.signalingState !== "stable");
      p.ignoreOffer = !p.polite && collision;
      if (p.ignoreOffer) return;
      if (collision) await pc.setLocalDescription({ type: "rollback" });
      await pc.setRemoteDescription(d);
      for (const c of p.early.splice(0)) await addCandidate(p, c);
      if (d.type === "offer") {
        await pc.setLocalDescription();
        if (pc.localDescription) await client.answer(from, toJson(pc.localDescription));
      }
    });
  };

  const addCandidate = async (p: PeerState<PC>, c: JsonObject | null) => {
    try {
      await (c ? p.pc.addIceCandidate(c) : p.pc.addIceCandidate());
    } catch (e) {
      if (!p.ignoreOffer && c) throw e;
    }
  };

  const unsubscribe = [
    client.on("joined", (r) => {
      for (const m of r.members) add(m.peerId, true);
    }),
    client.on("peer-joined", (ev) => void add(ev.peer.peerId, false)),
    client.on("peer-left", (ev) => remove(ev.peerId)),
    client.on("session-lost", () => {
      for (const id of [...peers.keys()]) remove(id);
    }),
    client.on("offer", (ev) => onDescription(ev.from, ev.description)),
    client.on("answer", (ev) => onDescription(ev.from, ev.description)),
    client.on("candidate", (ev) => {
      const p = peers.get(ev.from) ?? add(ev.from, false);
      const c = ev.candidate as JsonObject | null;
      step(p, async () => {
        if (!p.pc.remoteDescription) p.early.push(c);
        else await addCandidate(p, c);
      });
    }),
    client.on("message", (ev) => options.onMessage?.(ev.from, ev.data, ev.broadcast)),
  ];

  if (client.room !== undefined) for (const m of client.members()) add(m.peerId, true);

  return {
    peers,
    send: (to, data) => client.message(to, data),
    close() {
      for (const u of unsubscribe) u();
      for (const id of [...peers.keys()]) remove(id);
    },
  };
}

function toJson(d: DescriptionInit): JsonObject {
  return d.sdp === undefined ? { type: d.type } : { type: d.type, sdp: d.sdp };
}
