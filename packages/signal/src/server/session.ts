import type { Millis } from "@purertc/common";
import type { JsonObject, RpcId } from "../protocol/json-rpc.js";
import type { TokenClaims } from "../protocol/token.js";
import type { TokenBucket } from "./rate-limiter.js";
import { ResumeBuffer } from "./resume-buffer.js";

/** One WebSocket connection as the core sees it. */
export interface Connection {
  readonly id: number;
  session: Session | undefined;
  readonly bucket: TokenBucket;
  /** Rate-limited messages in a row. */
  rateLimitErrors: number;
  lastSeen: Millis;
  /** The core asked for this connection to be closed; frames are ignored. */
  closing: boolean;
}

/**
 * A peer's session: its id, room membership and resume buffer. It outlives its connection by
 * the resume grace period.
 */
export class Session {
  readonly token: string;
  readonly peerId: string;
  readonly claims: TokenClaims | undefined;
  conn: Connection | undefined;
  /** When a detached session ends. */
  expiresAt: Millis | undefined;
  room: string | undefined;
  metadata: JsonObject | undefined;
  /** The room sequence number at which this session joined: older changes are not news to it. */
  joinedAtSeq = 0;
  /** The pending `join` (its directory ticket and the request id to answer). */
  joining:
    | { readonly ticket: number; readonly room: string; readonly id: RpcId | undefined }
    | undefined;
  readonly buffer: ResumeBuffer;
  readonly #responses = new Map<string | number, string>();
  readonly #responseCache: number;

  constructor(
    token: string,
    peerId: string,
    claims: TokenClaims | undefined,
    buffer: { messages: number; bytes: number; responses: number },
  ) {
    this.token = token;
    this.peerId = peerId;
    this.claims = claims;
    this.buffer = new ResumeBuffer(buffer.messages, buffer.bytes);
    this.#responseCache = buffer.responses;
  }

  /** Remembers the response to request `id` (a request re-sent after a resume gets it again). */
  rememberResponse(id: string | number, text: string): void {
    if (this.#responseCache === 0) return;
    this.#responses.delete(id);
    this.#responses.set(id, text);
    if (this.#responses.size > this.#responseCache)
      this.#responses.delete(this.#responses.keys().next().value!);
  }

  cachedResponse(id: string | number): string | undefined {
    return this.#responses.get(id);
  }
}
