/**
 * What a description (local or remote) says about the one bundled transport: ICE credentials,
 * fingerprints, `a=setup`, the data section's SCTP port and max-message-size, candidates.
 */
import { type IceCandidate, parseIceCandidate } from "@purertc/ice";
import {
  type Fingerprint,
  type MediaSection,
  parse,
  SdpDecodeError,
  type SessionDescription,
  type Setup,
  serializeCandidate,
} from "@purertc/sdp";
import { NegotiationError } from "./signaling.js";

/** The data m-section of a description. */
export interface DataSectionInfo {
  readonly mid: string;
  readonly index: number;
  /** RFC 8841 §5.2: 5000 when absent. */
  readonly sctpPort: number;
  /** RFC 8841 §6: 65536 when absent; 0 = no limit. */
  readonly maxMessageSize: number;
}

/** The transport of a description, read from its first bundled (not rejected) section. */
export interface TransportInfo {
  /** The whole parsed description (parsed again from its text after {@link releaseModel}). */
  readonly model: SessionDescription;
  readonly ufrag: string | undefined;
  readonly pwd: string | undefined;
  readonly lite: boolean;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup: Setup | undefined;
  readonly data: DataSectionInfo | undefined;
  readonly candidates: readonly IceCandidate[];
  readonly endOfCandidates: boolean;
  /** mid and index of each m-section, for candidates' `sdpMid`/`sdpMLineIndex`. */
  readonly mids: readonly (string | undefined)[];
}

/** RFC 8841 §6: "the default value of max-message-size is 64K". */
export const DEFAULT_REMOTE_MAX_MESSAGE_SIZE = 65536;
/** RFC 8841 §5.2 / RFC 8831 §5: the SCTP port WebRTC uses when none is written. */
export const DEFAULT_SCTP_PORT = 5000;

function isDataSection(m: MediaSection): boolean {
  return m.kind === "application" && m.protocol.toUpperCase().includes("SCTP");
}

function rejected(m: MediaSection): boolean {
  return m.port === 0 && !m.bundleOnly;
}

/**
 * Parses `sdp` and reads its transport. Throws {@link NegotiationError}: `OperationError`
 * (`sdp-syntax-error`) for unparsable text, `InvalidAccessError` when a used section lacks ICE
 * credentials or a fingerprint (RFC 8829 §5.8, §5.9).
 */
export function readTransport(sdp: string): TransportInfo {
  let model: SessionDescription;
  try {
    model = parse(sdp);
  } catch (e) {
    if (!(e instanceof SdpDecodeError)) throw e;
    throw new NegotiationError(
      "OperationError",
      `malformed SDP: ${(e as Error).message}`,
      "sdp-syntax-error",
    );
  }
  const used = model.media.find((m) => !rejected(m));
  const dataIndex = model.media.findIndex((m) => isDataSection(m) && !rejected(m));
  const dm = dataIndex >= 0 ? model.media[dataIndex] : undefined;
  const ufrag = used?.iceUfrag ?? model.iceUfrag;
  const pwd = used?.icePwd ?? model.icePwd;
  const fingerprints =
    used && used.fingerprints.length > 0 ? used.fingerprints : model.fingerprints;
  if (used) {
    if (ufrag === undefined || pwd === undefined)
      throw new NegotiationError("InvalidAccessError", "no a=ice-ufrag / a=ice-pwd");
    if (fingerprints.length === 0)
      throw new NegotiationError("InvalidAccessError", "no a=fingerprint (RFC 8827 §6.5)");
  }
  const candidates: IceCandidate[] = [];
  if (used) {
    for (const c of used.candidates) {
      const ic = parseIceCandidate(serializeCandidate(c));
      if (ic && ic.component === 1) candidates.push(ic);
    }
  }
  return new ParsedTransport(sdp, model, {
    ufrag,
    pwd,
    lite: model.iceLite,
    fingerprints,
    setup: used?.setup ?? model.setup,
    data: dm
      ? {
          mid: dm.mid ?? String(dataIndex),
          index: dataIndex,
          sctpPort: dm.sctpPort ?? sctpmapPort(dm) ?? DEFAULT_SCTP_PORT,
          maxMessageSize: dm.maxMessageSize ?? DEFAULT_REMOTE_MAX_MESSAGE_SIZE,
        }
      : undefined,
    candidates,
    endOfCandidates: used?.endOfCandidates ?? false,
    mids: model.media.map((m) => m.mid),
  });
}

/**
 * Lets the parsed description of `info` go (the session is stable): it is then held weakly and,
 * once the GC took it, parsed again from the text on the next read of `model`. An idle
 * connection keeps the few fields above and the text, not the whole model (~4 KiB per side).
 */
export function releaseModel(info: TransportInfo): void {
  if (info instanceof ParsedTransport) info.release();
}

/** A {@link TransportInfo} whose `model` is strong until released, then weak. */
class ParsedTransport implements TransportInfo {
  readonly ufrag: string | undefined;
  readonly pwd: string | undefined;
  readonly lite: boolean;
  readonly fingerprints: readonly Fingerprint[];
  readonly setup: Setup | undefined;
  readonly data: DataSectionInfo | undefined;
  readonly candidates: readonly IceCandidate[];
  readonly endOfCandidates: boolean;
  readonly mids: readonly (string | undefined)[];
  readonly #sdp: string;
  #model: SessionDescription | undefined;
  #weak: WeakRef<SessionDescription> | undefined;

  constructor(sdp: string, model: SessionDescription, fields: Omit<TransportInfo, "model">) {
    this.#sdp = sdp;
    this.#model = model;
    this.ufrag = fields.ufrag;
    this.pwd = fields.pwd;
    this.lite = fields.lite;
    // Copies: the model's own arrays would keep parts of it alive.
    this.fingerprints = fields.fingerprints.map((f) => ({ ...f }));
    this.setup = fields.setup;
    this.data = fields.data;
    this.candidates = fields.candidates;
    this.endOfCandidates = fields.endOfCandidates;
    this.mids = fields.mids;
  }

  get model(): SessionDescription {
    const m = this.#model ?? this.#weak?.deref();
    if (m) return m;
    // The text parsed before, so it parses again (to an equal model).
    const again = parse(this.#sdp);
    this.#weak = new WeakRef(again);
    return again;
  }

  release(): void {
    if (!this.#model) return;
    this.#weak = new WeakRef(this.#model);
    this.#model = undefined;
  }
}

/** The pre-RFC 8841 form `m=application 9 DTLS/SCTP 5000` + `a=sctpmap:5000 ...`. */
function sctpmapPort(m: MediaSection): number | undefined {
  const f = Number(m.formats[0]);
  return Number.isInteger(f) && f > 0 && f < 65536 ? f : undefined;
}
