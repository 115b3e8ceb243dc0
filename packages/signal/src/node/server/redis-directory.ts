import type { Logger } from "@purertc/common";
import { Redis } from "ioredis";
import type { DirectoryInput, DirectoryOp, MemberRecord } from "../../server/directory.js";
import type { Directory } from "./directory-adapter.js";

/**
 * The room directory in Redis, shared by every node: a hash of members and a sequence counter
 * per room (changed only by the Lua scripts below, so each change is atomic and numbered), a
 * pub/sub channel per room (membership events and room-wide messages) and one per node (relayed
 * messages to its peers). Each node refreshes a liveness key; members of a node whose key
 * expired (it crashed) are removed by the next join in their room.
 *
 * Needs one Redis (or a Sentinel-managed primary); the scripts touch keys they compute, which
 * Redis Cluster does not allow.
 */

/** Options of {@link RedisDirectory}. */
export interface RedisDirectoryOptions {
  /** `redis://host:port/db`. */
  readonly url: string;
  readonly nodeId: string;
  /** Key and channel prefix (default `purertc:signal:`). */
  readonly prefix?: string;
  /** Liveness key lifetime; refreshed every third of it (default 15000). */
  readonly nodeTtlMs?: number;
  readonly logger: Logger;
}

// KEYS: members hash, seq counter. ARGV: peerId, member JSON, maxPeers, room channel, node-key prefix.
const JOIN = `
local all = redis.call('HGETALL', KEYS[1])
local members = {}
for i = 1, #all, 2 do
  local m = cjson.decode(all[i + 1])
  if redis.call('EXISTS', ARGV[5] .. m.node) == 0 then
    redis.call('HDEL', KEYS[1], all[i])
    local s = redis.call('INCR', KEYS[2])
    redis.call('PUBLISH', ARGV[4], '{"k":"r","s":' .. s .. ',"p":' .. cjson.encode(all[i]) .. '}')
  elseif all[i] ~= ARGV[1] then
    table.insert(members, all[i + 1])
  end
end
if #members >= tonumber(ARGV[3]) then return {0} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local seq = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[4], '{"k":"a","s":' .. seq .. ',"m":' .. ARGV[2] .. '}')
table.insert(members, ARGV[2])
return {seq, unpack(members)}
`;

// KEYS: members hash, seq counter. ARGV: peerId, room channel.
const LEAVE = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  local s = redis.call('INCR', KEYS[2])
  redis.call('PUBLISH', ARGV[2], '{"k":"r","s":' .. s .. ',"p":' .. cjson.encode(ARGV[1]) .. '}')
end
return 0
`;

// KEYS: members hash, seq counter.
const SNAPSHOT = `
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
return {seq, unpack(redis.call('HVALS', KEYS[1]))}
`;

type Commands = Redis & {
  signalJoin(k1: string, k2: string, ...argv: string[]): Promise<(number | string)[]>;
  signalLeave(k1: string, k2: string, peerId: string, channel: string): Promise<number>;
  signalSnapshot(k1: string, k2: string): Promise<(number | string)[]>;
};

/** The multi-node directory (see the module comment). */
export class RedisDirectory implements Directory {
  onInput: (input: DirectoryInput) => void = () => {};
  onReset: () => void = () => {};
  readonly #cmd: Commands;
  readonly #sub: Redis;
  readonly #prefix: string;
  readonly #node: string;
  readonly #ttl: number;
  readonly #log: Logger;
  readonly #subscribed = new Map<string, Promise<unknown>>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #ready = false;
  #closed = false;

  constructor(o: RedisDirectoryOptions) {
    this.#prefix = o.prefix ?? "purertc:signal:";
    this.#node = o.nodeId;
    this.#ttl = o.nodeTtlMs ?? 15_000;
    this.#log = o.logger;
    this.#cmd = new Redis(o.url, { lazyConnect: true, maxRetriesPerRequest: 3 }) as Commands;
    this.#cmd.defineCommand("signalJoin", { numberOfKeys: 2, lua: JOIN });
    this.#cmd.defineCommand("signalLeave", { numberOfKeys: 2, lua: LEAVE });
    this.#cmd.defineCommand("signalSnapshot", { numberOfKeys: 2, lua: SNAPSHOT });
    this.#sub = new Redis(o.url, { lazyConnect: true });
    this.#sub.on("message", (channel: string, message: string) => this.#message(channel, message));
    for (const r of [this.#cmd, this.#sub])
      r.on("error", (e: Error) => this.#log.warn("redis error", { error: e.message }));
    this.#sub.on("ready", () => {
      // ioredis re-subscribes on reconnect, but events published meanwhile are gone.
      if (this.#ready && !this.#closed) this.onReset();
    });
  }

  #key(kind: "members" | "seq", room: string): string {
    return `${this.#prefix}room:${room}:${kind}`;
  }

  #roomChannel(room: string): string {
    return `${this.#prefix}room:${room}`;
  }

  #nodeKey(node: string): string {
    return `${this.#prefix}node:${node}`;
  }

  async start(): Promise<void> {
    await Promise.all([this.#cmd.connect(), this.#sub.connect()]);
    await this.#sub.subscribe(this.#nodeKey(this.#node));
    await this.#alive();
    this.#heartbeat = setInterval(
      () => void this.#alive(),
      Math.max(100, Math.floor(this.#ttl / 3)),
    );
    this.#heartbeat.unref?.();
    this.#ready = true;
  }

  async #alive(): Promise<void> {
    try {
      await this.#cmd.set(this.#nodeKey(this.#node), "1", "PX", this.#ttl);
    } catch (e) {
      this.#log.warn("redis liveness refresh failed", { error: (e as Error).message });
    }
  }

  submit(op: DirectoryOp): void {
    this.#run(op).catch((e: unknown) => {
      this.#log.error("redis directory operation failed", {
        op: op.op,
        error: (e as Error).message,
      });
      if (op.op === "join")
        this.onInput({ kind: "join-refused", ticket: op.ticket, reason: "unavailable" });
    });
  }

  async #run(op: DirectoryOp): Promise<void> {
    switch (op.op) {
      case "subscribe": {
        const ch = this.#roomChannel(op.room);
        if (!this.#subscribed.has(op.room)) this.#subscribed.set(op.room, this.#sub.subscribe(ch));
        return;
      }
      case "unsubscribe": {
        const pending = this.#subscribed.get(op.room);
        this.#subscribed.delete(op.room);
        await pending;
        if (!this.#subscribed.has(op.room)) await this.#sub.unsubscribe(this.#roomChannel(op.room));
        return;
      }
      case "join": {
        // Subscribed before the change is made, so no later change of the room is missed.
        await this.#subscribed.get(op.room);
        const r = await this.#cmd.signalJoin(
          this.#key("members", op.room),
          this.#key("seq", op.room),
          op.member.peerId,
          JSON.stringify(op.member),
          String(op.maxPeers),
          this.#roomChannel(op.room),
          this.#nodeKey(""),
        );
        const seq = Number(r[0]);
        if (seq === 0)
          return this.onInput({ kind: "join-refused", ticket: op.ticket, reason: "room-full" });
        const members = r.slice(1).map((m) => JSON.parse(String(m)) as MemberRecord);
        return this.onInput({ kind: "joined", ticket: op.ticket, seq, members });
      }
      case "leave":
        await this.#cmd.signalLeave(
          this.#key("members", op.room),
          this.#key("seq", op.room),
          op.peerId,
          this.#roomChannel(op.room),
        );
        return;
      case "sync": {
        const r = await this.#cmd.signalSnapshot(
          this.#key("members", op.room),
          this.#key("seq", op.room),
        );
        const members = r.slice(1).map((m) => JSON.parse(String(m)) as MemberRecord);
        return this.onInput({ kind: "snapshot", room: op.room, seq: Number(r[0]), members });
      }
      case "relay":
        await this.#cmd.publish(
          this.#nodeKey(op.node),
          JSON.stringify({ t: op.to, m: op.method, b: op.body }),
        );
        return;
      case "broadcast":
        await this.#cmd.publish(
          this.#roomChannel(op.room),
          JSON.stringify({ k: "b", n: this.#node, f: op.from, b: op.body }),
        );
        return;
    }
  }

  #message(channel: string, message: string): void {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(message) as Record<string, unknown>;
    } catch {
      this.#log.warn("bad pub/sub message", { channel });
      return;
    }
    if (channel === this.#nodeKey(this.#node)) {
      if (typeof m.t === "string" && typeof m.m === "string" && typeof m.b === "string")
        this.onInput({ kind: "relay", to: m.t, method: m.m, body: m.b });
      return;
    }
    const room = channel.slice(`${this.#prefix}room:`.length);
    if (m.k === "a" && typeof m.s === "number")
      this.onInput({
        kind: "member-added",
        room,
        seq: m.s,
        member: m.m as unknown as MemberRecord,
      });
    else if (m.k === "r" && typeof m.s === "number" && typeof m.p === "string")
      this.onInput({ kind: "member-removed", room, seq: m.s, peerId: m.p });
    else if (
      m.k === "b" &&
      typeof m.n === "string" &&
      typeof m.f === "string" &&
      typeof m.b === "string"
    )
      this.onInput({ kind: "broadcast", room, node: m.n, from: m.f, body: m.b });
  }

  /** Waits for queued operations, removes this node's liveness key and disconnects. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    try {
      await this.#cmd.del(this.#nodeKey(this.#node));
    } catch {
      // Best effort: the key expires by itself.
    }
    await Promise.allSettled([this.#cmd.quit(), this.#sub.quit()]);
  }
}
