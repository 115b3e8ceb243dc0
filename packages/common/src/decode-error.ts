/**
 * The only error a decoder throws on bad input. Cores catch it, drop the datagram and count it.
 *
 * `layer` names the protocol (`"stun"`, `"sctp"`...), `code` is a stable machine-readable
 * reason (`"truncated"`, `"bad-length"`...), and `offset` is where in the input decoding failed.
 */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
  readonly layer: string;
  readonly code: string;
  readonly offset: number;

  constructor(layer: string, code: string, offset: number, detail?: string) {
    super(`${layer}: ${code} at offset ${offset}${detail ? `: ${detail}` : ""}`);
    this.layer = layer;
    this.code = code;
    this.offset = offset;
  }
}

/** Whether `e` is a {@link DecodeError}, optionally of one layer. */
export function isDecodeError(e: unknown, layer?: string): e is DecodeError {
  return e instanceof DecodeError && (layer === undefined || e.layer === layer);
}

/**
 * A broken internal invariant: a bug in purertc, never caused by remote input.
 * Thrown by {@link invariant}.
 */
export class InternalError extends Error {
  override readonly name = "InternalError";
}

/** Fails fast with an {@link InternalError} when an internal invariant does not hold. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InternalError(message);
}
