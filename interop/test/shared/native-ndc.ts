/**
 * libdatachannel (usrsctp, libjuice ICE, OpenSSL DTLS) through node-datachannel's own API,
 * wrapped as a {@link NativePeer}. Auto-negotiation is off so offers and answers are made when
 * the test asks; ICE binds 127.0.0.1 only (`bindAddress`).
 */
import { type DataChannel, PeerConnection, type RtcConfig } from "node-datachannel";
import type {
  Candidate,
  ChannelInit,
  Description,
  NativeChannel,
  NativePeer,
} from "./native-signaling.js";

/** Loopback only, descriptions made on request. */
export const NDC_CONFIG: RtcConfig = {
  iceServers: [],
  bindAddress: "127.0.0.1",
  disableAutoNegotiation: true,
};

function wrapChannel(dc: DataChannel, init: ChannelInit | undefined): NativeChannel {
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  let resolveOpened: () => void = () => {};
  const opened = new Promise<void>((r) => {
    resolveOpened = r;
  });
  let lowWaiter: (() => void) | undefined;
  const ch: NativeChannel = {
    label: dc.getLabel(),
    get id() {
      return dc.getId();
    },
    // libdatachannel does not expose the reliability of a channel the remote side opened.
    ordered: init ? (init.ordered ?? true) : undefined,
    maxRetransmits: init ? (init.maxRetransmits ?? null) : undefined,
    protocol: dc.getProtocol(),
    opened,
    closed,
    onMessage: undefined,
    send(data) {
      if (typeof data === "string") dc.sendMessage(data);
      else dc.sendMessageBinary(data);
    },
    bufferedAmount: () => dc.bufferedAmount(),
    bufferedAmountLow(threshold) {
      dc.setBufferedAmountLowThreshold(threshold);
      if (dc.bufferedAmount() <= threshold) return Promise.resolve();
      return new Promise((r) => {
        lowWaiter = r;
      });
    },
    close: () => dc.close(),
  };
  if (dc.isOpen()) resolveOpened();
  dc.onOpen(() => resolveOpened());
  dc.onClosed(() => resolveClosed());
  dc.onBufferedAmountLow(() => {
    const w = lowWaiter;
    lowWaiter = undefined;
    w?.();
  });
  dc.onMessage((msg) => {
    if (typeof msg === "string") ch.onMessage?.(msg);
    else ch.onMessage?.(new Uint8Array(msg instanceof ArrayBuffer ? msg.slice(0) : msg));
  });
  return ch;
}

/** A node-datachannel peer connection as a {@link NativePeer}; `pc` is exposed for tracks. */
export class NdcPeer implements NativePeer {
  readonly stack = "node-datachannel";
  readonly pc: PeerConnection;
  onCandidate: ((c: Candidate | null) => void) | undefined;
  onChannel: ((ch: NativeChannel) => void) | undefined;
  /** Runs between the remote offer and our answer (to add tracks answering offered sections). */
  beforeAnswer: (() => void) | undefined;
  #gathered: Promise<void>;
  #described: Promise<void> = Promise.resolve();
  #onDescription: () => void = () => {};

  constructor(name = "ndc") {
    this.pc = new PeerConnection(name, NDC_CONFIG);
    let done: () => void = () => {};
    this.#gathered = new Promise((r) => {
      done = r;
    });
    this.pc.onGatheringStateChange((s) => {
      if (s !== "complete") return;
      done();
      this.onCandidate?.(null);
    });
    this.pc.onLocalCandidate((candidate, sdpMid) => this.onCandidate?.({ candidate, sdpMid }));
    this.pc.onLocalDescription(() => this.#onDescription());
    this.pc.onDataChannel((dc) => this.onChannel?.(wrapChannel(dc, undefined)));
  }

  async offer(complete: boolean): Promise<Description> {
    this.#expectDescription();
    this.pc.setLocalDescription("offer");
    return this.#local(complete, "offer");
  }

  async answer(offer: Description, complete: boolean): Promise<Description> {
    this.pc.setRemoteDescription(offer.sdp, "offer");
    this.beforeAnswer?.();
    this.#expectDescription();
    this.pc.setLocalDescription("answer");
    return this.#local(complete, "answer");
  }

  async accept(answer: Description): Promise<void> {
    this.pc.setRemoteDescription(answer.sdp, "answer");
  }

  async addCandidate(c: Candidate): Promise<void> {
    this.pc.addRemoteCandidate(c.candidate, c.sdpMid);
  }

  createChannel(label: string, init: ChannelInit = {}): NativeChannel {
    const { ordered, ...rest } = init;
    return wrapChannel(
      this.pc.createDataChannel(label, { ...rest, unordered: ordered === false }),
      init,
    );
  }

  connectionState(): string {
    return this.pc.state();
  }

  close(): void {
    this.pc.close();
  }

  #expectDescription(): void {
    this.#described = new Promise((r) => {
      this.#onDescription = r;
    });
  }

  async #local(complete: boolean, type: Description["type"]): Promise<Description> {
    await this.#described;
    if (complete) await this.#gathered;
    return { type, sdp: this.pc.localDescription()?.sdp ?? "" };
  }
}
