/**
 * File transfer over one data channel per file (ordered, reliable), the same code on both ends.
 *
 *   sender                                   receiver
 *     | -- {"t":"meta",name,size,mime} ------> |
 *     | -- binary chunks (<= chunkSize) -----> |   backpressure: the sender waits for
 *     | -- ...                                 |   `bufferedamountlow` above HIGH_WATER
 *     | -- {"t":"end",checksum} -------------> |
 *     | <------------- {"t":"result",ok,...} -- |   the receiver's own checksum, compared
 *
 * The checksum is {@link HASH_ALGORITHM}, computed while streaming, so any size works.
 */
import { BlockHasher, HASH_BLOCK, type Sha256 } from "./block-hash.js";
import { type ChannelLike, once, onMessage, whenOpen } from "./channel.js";
import { parseJson } from "./protocol.js";

/** Pause sending above this many queued bytes... */
export const HIGH_WATER = 4 * 1024 * 1024;
/** ...until the queue drains below this (`bufferedAmountLowThreshold`). */
export const LOW_WATER = 1024 * 1024;
/** Largest data message; capped by the peer's SCTP max-message-size. */
export const DEFAULT_CHUNK = 64 * 1024;

export interface FileMeta {
  readonly name: string;
  readonly size: number;
  readonly mime: string;
}

/** Where the sender's bytes come from (a browser File, a generated buffer, ...). */
export interface FileSource extends FileMeta {
  /** Reads `length` bytes at `offset` (never past the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface TransferResult {
  readonly meta: FileMeta;
  /** Both checksums agree (and the receiver got every byte). */
  readonly ok: boolean;
  readonly checksum: string;
  /** The other end's checksum (the sender's, on the receiving side). */
  readonly remoteChecksum: string;
  readonly bytes: number;
  readonly ms: number;
}

export interface TransferHooks {
  readonly sha256: Sha256;
  /** Progress in bytes: sent-and-handed-to-SCTP on the sender, received on the receiver. */
  onProgress?(bytes: number, size: number): void;
}

type Control =
  | { t: "meta"; name: string; size: number; mime: string }
  | { t: "end"; checksum: string }
  | { t: "result"; ok: boolean; checksum: string; bytes: number }
  | { t: "abort"; reason: string };

function control(data: unknown): Control | undefined {
  const v = parseJson(data);
  if (typeof v !== "object" || v === null) return undefined;
  const t = (v as { t?: unknown }).t;
  return t === "meta" || t === "end" || t === "result" || t === "abort"
    ? (v as Control)
    : undefined;
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/** Waits until the channel's queue is below {@link LOW_WATER} (or it closes). */
function drained(ch: ChannelLike): Promise<void> {
  return new Promise((resolve, reject) => {
    const offLow = once(ch, "bufferedamountlow", () => {
      offClose();
      resolve();
    });
    const offClose = once(ch, "close", () => {
      offLow();
      reject(new Error("the file channel closed during the transfer"));
    });
  });
}

/**
 * Sends `source` over `ch` (a fresh channel for this file) and resolves with the receiver's
 * verdict. Never queues more than {@link HIGH_WATER} bytes in the channel.
 */
export async function sendFile(
  ch: ChannelLike,
  source: FileSource,
  hooks: TransferHooks & { readonly chunkSize?: number },
): Promise<TransferResult> {
  const chunk = hooks.chunkSize ?? DEFAULT_CHUNK;
  ch.binaryType = "arraybuffer";
  ch.bufferedAmountLowThreshold = LOW_WATER;
  await whenOpen(ch);
  const started = performance.now();
  const verdict = new Promise<Control>((resolve, reject) => {
    const off = onMessage(ch, (data) => {
      const c = control(data);
      if (c?.t === "result" || c?.t === "abort") {
        off();
        offClose();
        resolve(c);
      }
    });
    const offClose = once(ch, "close", () => {
      off();
      reject(new Error("the receiver closed the file channel before confirming"));
    });
  });
  verdict.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
  const meta: FileMeta = { name: source.name, size: source.size, mime: source.mime };
  ch.send(JSON.stringify({ t: "meta", ...meta }));
  const hasher = new BlockHasher(hooks.sha256);
  for (let offset = 0; offset < source.size; ) {
    const block = await source.read(offset, Math.min(HASH_BLOCK, source.size - offset));
    hasher.update(block);
    for (let i = 0; i < block.byteLength; i += chunk) {
      if (ch.bufferedAmount > HIGH_WATER) await drained(ch);
      if (ch.readyState !== "open") throw new Error("the file channel closed during the transfer");
      ch.send(block.subarray(i, Math.min(i + chunk, block.byteLength)));
    }
    offset += block.byteLength;
    hooks.onProgress?.(offset - ch.bufferedAmount, source.size);
  }
  const checksum = await hasher.digest();
  ch.send(JSON.stringify({ t: "end", checksum }));
  const reply = await verdict;
  hooks.onProgress?.(source.size, source.size);
  ch.close();
  if (reply.t === "abort") throw new Error(`the receiver aborted: ${reply.reason}`);
  if (reply.t !== "result") throw new Error("unexpected reply");
  return {
    meta,
    ok: reply.ok && reply.checksum === checksum,
    checksum,
    remoteChecksum: reply.checksum,
    bytes: reply.bytes,
    ms: performance.now() - started,
  };
}

export interface ReceiveHooks extends TransferHooks {
  /** The transfer was announced; return false to refuse it. */
  onMeta?(meta: FileMeta): boolean | undefined;
  /** Each data chunk, in order (keep it to rebuild the file, or drop it after hashing). */
  onData?(bytes: Uint8Array): void;
}

/** Receives one file on `ch` (opened by the sender), verifies it and tells the sender. */
export function receiveFile(ch: ChannelLike, hooks: ReceiveHooks): Promise<TransferResult> {
  ch.binaryType = "arraybuffer";
  const hasher = new BlockHasher(hooks.sha256);
  const started = performance.now();
  let meta: FileMeta | undefined;
  let lastReport = 0;
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      off();
      offClose();
      if (ch.readyState === "open") ch.send(JSON.stringify({ t: "abort", reason }));
      reject(new Error(reason));
    };
    const offClose = once(ch, "close", () => {
      off();
      reject(new Error("the sender closed the file channel before the end"));
    });
    const off = onMessage(ch, (data) => {
      const bytes = toBytes(data);
      if (bytes) {
        if (!meta) return fail("data before the file description");
        hasher.update(bytes);
        if (hasher.length > meta.size) return fail("more bytes than announced");
        hooks.onData?.(bytes);
        const now = performance.now();
        if (now - lastReport > 100 || hasher.length === meta.size) {
          lastReport = now;
          hooks.onProgress?.(hasher.length, meta.size);
        }
        return;
      }
      const c = control(data);
      if (c?.t === "meta") {
        if (meta) return fail("a second file description");
        if (!Number.isSafeInteger(c.size) || c.size < 0) return fail("bad size");
        meta = { name: String(c.name), size: c.size, mime: String(c.mime || "") };
        if (hooks.onMeta?.(meta) === false) return fail("refused");
        hooks.onProgress?.(0, meta.size);
      } else if (c?.t === "end") {
        const m = meta;
        if (!m) return fail("end before the file description");
        off();
        offClose();
        void hasher.digest().then((checksum) => {
          const ok = checksum === c.checksum && hasher.length === m.size;
          if (ch.readyState === "open")
            ch.send(JSON.stringify({ t: "result", ok, checksum, bytes: hasher.length }));
          resolve({
            meta: m,
            ok,
            checksum,
            remoteChecksum: c.checksum,
            bytes: hasher.length,
            ms: performance.now() - started,
          });
        }, reject);
      } else if (c?.t === "abort") {
        off();
        offClose();
        reject(new Error(`the sender aborted: ${c.reason}`));
      }
    });
  });
}
