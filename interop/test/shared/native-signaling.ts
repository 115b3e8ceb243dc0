/**
 * In-memory signaling between a purertc `RTCPeerConnection` and another stack in the same Node
 * process (libwebrtc through @roamhq/wrtc, libdatachannel through node-datachannel, werift).
 *
 * Each stack is wrapped as a {@link NativePeer}: its own normal API behind one small surface
 * (descriptions as SDP strings, candidates as `a=candidate` strings with their mid, data
 * channels as {@link NativeChannel}). {@link connect} runs offer/answer with purertc in either
 * role, with candidates trickled after the description or carried inside it. Only IPv4 loopback
 * host candidates are exchanged: the other stacks also gather on eth0 and ::1, which this suite
 * never uses (the brief: loopback only).
 */
import { createWebRtc, type RTCPeerConnection } from "@purertc/peer";

/** purertc constructors that gather on 127.0.0.1 only, without mDNS. */
export const ours = createWebRtc({ addresses: ["127.0.0.1"], mdns: "disabled" });

export type Role = "offerer" | "answerer";
/** `trickle`: candidates after the description; `sdp`: every candidate inside it. */
export type CandidateMode = "trickle" | "sdp";

export interface Description {
  readonly type: "offer" | "answer";
  readonly sdp: string;
}

export interface Candidate {
  readonly candidate: string;
  readonly sdpMid: string;
}

/** The W3C `RTCDataChannelInit` subset every stack supports. */
export interface ChannelInit {
  readonly ordered?: boolean;
  readonly maxRetransmits?: number;
  readonly negotiated?: boolean;
  readonly id?: number;
  readonly protocol?: string;
}

/** One data channel of the other stack. */
export interface NativeChannel {
  readonly label: string;
  readonly id: number | null;
  /** `undefined` where the stack does not expose it (libdatachannel, remote-opened channels). */
  readonly ordered: boolean | undefined;
  readonly maxRetransmits: number | null | undefined;
  readonly protocol: string;
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;
  /** Receives every message (binary as a copy in a fresh Uint8Array). */
  onMessage: ((data: string | Uint8Array) => void) | undefined;
  send(data: string | Uint8Array): void;
  bufferedAmount(): number;
  /** Resolves when the stack reports its buffered amount went down to `threshold`. */
  bufferedAmountLow(threshold: number): Promise<void>;
  close(): void;
}

/** The other stack's peer connection. */
export interface NativePeer {
  readonly stack: string;
  /** Called with every local candidate (`null` once gathering ends). */
  onCandidate: ((c: Candidate | null) => void) | undefined;
  /** Called with every channel the remote side opened (DCEP). */
  onChannel: ((ch: NativeChannel) => void) | undefined;
  /** Creates the offer and applies it locally; with `complete`, waits for gathering first. */
  offer(complete: boolean): Promise<Description>;
  /** Applies `offer`, creates the answer and applies it locally. */
  answer(offer: Description, complete: boolean): Promise<Description>;
  /** Applies the remote answer. */
  accept(answer: Description): Promise<void>;
  addCandidate(c: Candidate): Promise<void>;
  createChannel(label: string, init?: ChannelInit): NativeChannel;
  /** `connected` once ICE and DTLS are up. */
  connectionState(): string;
  close(): void;
}

const LOOPBACK_V4 = / 127\.0\.0\.1 \d+ typ /;

/** Whether a candidate line is an IPv4 loopback candidate (the only ones we exchange). */
export function isLoopbackCandidate(candidate: string): boolean {
  return LOOPBACK_V4.test(candidate);
}

/**
 * Keeps only IPv4 loopback `a=candidate` lines; with `strip`, removes every candidate line (for
 * trickle signaling: candidates then arrive only through `addIceCandidate`).
 */
export function filterSdpCandidates(sdp: string, strip: boolean): string {
  const lines = sdp.split("\r\n");
  return lines
    .filter((l) => !l.startsWith("a=candidate:") || (!strip && isLoopbackCandidate(l)))
    .filter((l) => !(strip && l === "a=end-of-candidates"))
    .join("\r\n");
}

/** The number of `a=candidate` lines of an SDP. */
export function countSdpCandidates(sdp: string): number {
  return sdp.split("\r\n").filter((l) => l.startsWith("a=candidate:")).length;
}

/** Resolves once `pc` finished gathering. */
export async function gathered(pc: RTCPeerConnection): Promise<void> {
  while (pc.iceGatheringState !== "complete") await once(pc, "icegatheringstatechange");
}

/** Resolves with the first event of `type` on `target`. */
export function once<E extends Event = Event>(target: EventTarget, type: string): Promise<E> {
  return new Promise((resolve) =>
    target.addEventListener(type, (e) => resolve(e as E), { once: true }),
  );
}

/** Rejects with `what` after `ms` unless `p` settles first. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string | (() => string)) {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`timed out after ${ms} ms: ${typeof what === "string" ? what : what()}`)),
      ms,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Polls `cond` every 5 ms until it holds, or rejects after `ms`. */
export async function waitFor(cond: () => boolean, ms: number, what: string | (() => string)) {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${ms} ms: ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** What {@link connect} exchanged, for assertions on the signaling itself. */
export interface Signaled {
  /** Candidates that reached us from the other stack (SDP lines or trickled). */
  readonly remoteCandidates: number;
  /** Candidates we handed to the other stack. */
  readonly localCandidates: number;
}

/**
 * Offer/answer between `pc` and `other`, purertc in `role`. The caller has already added what
 * the offer needs (a channel or a transceiver on the offering side); `beforeAnswer` runs on our
 * side between the remote offer and our answer (to attach tracks to offered transceivers).
 * Resolves once both sides are connected.
 */
export async function connect(
  pc: RTCPeerConnection,
  other: NativePeer,
  role: Role,
  mode: CandidateMode,
  hooks: { readonly beforeAnswer?: () => void; readonly timeoutMs?: number } = {},
): Promise<Signaled> {
  const timeoutMs = hooks.timeoutMs ?? 10_000;
  const counts = { remoteCandidates: 0, localCandidates: 0 };
  // Candidates wait until the receiving side has the remote description (a trickled candidate
  // may come before the description it belongs to: libdatachannel emits them in either order).
  const toOther = new Gate<Candidate>((c) => other.addCandidate(c));
  const toOurs = new Gate<Candidate>((c) => pc.addIceCandidate(c));
  if (mode === "trickle") {
    pc.addEventListener("icecandidate", (e) => {
      const c = (e as Event & { candidate: { candidate: string; sdpMid: string | null } | null })
        .candidate;
      if (!c?.candidate) return;
      counts.localCandidates++;
      toOther.push({ candidate: c.candidate, sdpMid: c.sdpMid ?? "0" });
    });
    other.onCandidate = (c) => {
      if (!c || !isLoopbackCandidate(c.candidate)) return;
      counts.remoteCandidates++;
      toOurs.push({ candidate: c.candidate.replace(/^a=/, ""), sdpMid: c.sdpMid });
    };
  }
  const complete = mode === "sdp";
  const local = async (): Promise<string> => {
    if (complete) await gathered(pc);
    const sdp = pc.localDescription?.sdp ?? "";
    if (complete) counts.localCandidates += countSdpCandidates(sdp);
    return complete ? sdp : filterSdpCandidates(sdp, true);
  };
  const remote = (d: Description): Description => {
    const sdp = filterSdpCandidates(d.sdp, !complete);
    if (complete) counts.remoteCandidates += countSdpCandidates(sdp);
    return { type: d.type, sdp };
  };
  if (role === "offerer") {
    await pc.setLocalDescription();
    const answer = await other.answer({ type: "offer", sdp: await local() }, complete);
    toOther.release();
    await pc.setRemoteDescription(remote(answer));
    toOurs.release();
  } else {
    const offer = await other.offer(complete);
    await pc.setRemoteDescription(remote(offer));
    toOurs.release();
    hooks.beforeAnswer?.();
    await pc.setLocalDescription();
    await other.accept({ type: "answer", sdp: await local() });
    toOther.release();
  }
  await waitFor(
    () => pc.connectionState === "connected" && other.connectionState() === "connected",
    timeoutMs,
    () => `connection: ours ${pc.connectionState}, ${other.stack} ${other.connectionState()}`,
  );
  return counts;
}

/** Holds items until {@link release}, then passes each one through at once. */
class Gate<T> {
  #held: T[] | undefined = [];
  readonly #pass: (item: T) => Promise<void>;
  constructor(pass: (item: T) => Promise<void>) {
    this.#pass = pass;
  }
  push(item: T): void {
    if (this.#held) this.#held.push(item);
    else void this.#pass(item).catch(() => {});
  }
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const item of held) void this.#pass(item).catch(() => {});
  }
}
