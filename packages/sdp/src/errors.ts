import { DecodeError } from "@purertc/common";

/**
 * A malformed SDP: a {@link DecodeError} (layer `sdp`) that also carries the 1-based line number.
 * `offset` is the character offset of the start of that line.
 */
export class SdpDecodeError extends DecodeError {
  /** 1-based line number of the offending line. */
  readonly line: number;

  constructor(code: string, line: number, offset: number, detail: string) {
    super(
      "sdp",
      code,
      offset,
      `line ${line}: ${detail.length > 120 ? `${detail.slice(0, 120)}...` : detail}`,
    );
    this.line = line;
  }
}
