import {
  Fifo,
  type Logger,
  type Millis,
  type Rng,
  randomString,
  silentLogger,
  utf8Decode,
} from "@purertc/common";
import { CloseCode, ErrorCode, errorCodeName } from "../protocol/error-codes.js";
import {
  encodeError,
  encodeNotification,
  encodeResult,
  type JsonObject,
  parseFrame,
  type RpcId,
} from "../protocol/json-rpc.js";
import {
  isMethod,
  type JoinResult,
  type MethodName,
  type PeerInfo,
  validateParams,
} from "../protocol/methods.js";
import {
  base64UrlEncode,
  type TokenClaims,
  tokenCoversRoom,
  verifyToken,
} from "../protocol/token.js";
import { resolveServerConfig, type ServerConfig } from "./config.js";
import type { DirectoryInput, DirectoryOp, MemberRecord } from "./directory.js";
import { TokenBucket } from "./rate-limiter.js";
import { type MemberChange, RoomReplica } from "./room-replica.js";
import { type ServerStats, StatsCounters } from "./server-stats.js";
import { type Connection, Session } from "./session.js";

/** What the core asks its adapter to do. */
export type ServerOutput =
  | { readonly type: "send"; readonly conn: number; readonly text: string }
  | {
      readonly type: "close";
      readonly conn: number;
      readonly code: number;
      readonly reason: string;
    }
  | { readonly type: "ping"; readonly conn: number }
  | { readonly type: "directory"; readonly op: DirectoryOp };

/** What a client put in the connection URL's query. */
export interface OpenParams {
  readonly token?: string;
  /** The `session` secret of a previous `welcome`, to resume. */
  readonly session?: string;
  /** The last `seq` the client received (with `session`). */
  readonly ack?: number;
}

interface LocalRoom {
  readonly replica: RoomReplica;
  readonly locals: Set<Session>;
}

const bump = StatsCounters.bump;

/**
 * The signaling server as a sans-IO machine: connections, sessions, rooms, limits and routing,
 * with time passed in and effects polled out ({@link pollOutput}). The WebSocket/HTTP/Redis
 * adapter lives in `./server` (src/node/server).
 */
export class SignalServerCore {
  readonly config: Readonly<ServerConfig>;
  readonly #rng: Rng;
  readonly #log: Logger;
  readonly #out = new Fifo<ServerOutput>();
  readonly #conns = new Map<number, Connection>();
  readonly #sessions = new Map<string, Session>();
  readonly #peers = new Map<string, Session>();
  readonly #rooms = new Map<string, LocalRoom>();
  readonly #tickets = new Map<number, { readonly s: Session; readonly room: string }>();
  readonly #stats = new StatsCounters();
  #nextTicket = 1;
  #nextSweep: Millis;
  #shuttingDown = false;

  constructor(config: Partial<ServerConfig>, now: Millis, rng: Rng, logger: Logger = silentLogger) {
    this.config = resolveServerConfig(config);
    this.#rng = rng;
    this.#log = logger;
    this.#nextSweep = now + this.config.pingIntervalMs;
  }

  /**
   * A WebSocket connection opened with `params` from its URL. `epochMs` is the wall clock
   * (ms since 1970) that token expiry is checked against; `now` stays monotonic.
   */
  handleOpen(now: Millis, conn: number, params: OpenParams, epochMs: number = now): void {
    if (this.#conns.has(conn)) throw new RangeError(`handleOpen: connection ${conn} is open`);
    const c: Connection = {
      id: conn,
      session: undefined,
      bucket: new TokenBucket(this.config.messagesPerSecond, this.config.messageBurst, now),
      rateLimitErrors: 0,
      lastSeen: now,
      closing: false,
    };
    this.#conns.set(conn, c);
    this.#stats.connectionsTotal++;
    if (this.#shuttingDown) {
      this.#refuse(c, ErrorCode.ShuttingDown, "server is shutting down", CloseCode.ServiceRestart);
      return;
    }
    if (this.#conns.size > this.config.maxConnections) {
      this.#refuse(c, ErrorCode.ServerFull, "server is full", CloseCode.ServerFull);
      return;
    }
    let claims: TokenClaims | undefined;
    const auth = this.config.auth;
    if (auth && (params.token !== undefined || !this.config.open)) {
      if (params.token === undefined) {
        this.#refuse(
          c,
          ErrorCode.Unauthorized,
          "token required",
          CloseCode.Unauthorized,
          "missing",
        );
        return;
      }
      const v = verifyToken(params.token, auth.secret, auth.hmac, epochMs, auth.clockSkewMs);
      if (!v.ok) {
        this.#refuse(
          c,
          ErrorCode.Unauthorized,
          `token ${v.reason}`,
          CloseCode.Unauthorized,
          v.reason,
        );
        return;
      }
      claims = v.claims;
    }
    const old = params.session === undefined ? undefined : this.#sessions.get(params.session);
    if (old && (old.claims?.sub ?? null) === (claims?.sub ?? null)) {
      this.#resume(c, old, params.ack ?? 0);
      return;
    }
    if (params.session !== undefined) this.#stats.resumeMisses++;
    const token = base64UrlEncode(this.#rng.fill(new Uint8Array(24)));
    let peerId = randomString(this.#rng, 16);
    while (this.#peers.has(peerId)) peerId = randomString(this.#rng, 16);
    const s = new Session(token, peerId, claims, {
      messages: this.config.resumeBufferMessages,
      bytes: this.config.resumeBufferBytes,
      responses: this.config.responseCacheSize,
    });
    this.#sessions.set(token, s);
    this.#peers.set(peerId, s);
    s.conn = c;
    c.session = s;
    this.#send(c, this.#welcome(s, false, 0));
  }

  #welcome(s: Session, resumed: boolean, lost: number): string {
    return encodeNotification("welcome", {
      peerId: s.peerId,
      session: s.token,
      resumed,
      lost,
      ...(s.room === undefined ? {} : { room: s.room }),
      resumeGraceMs: this.config.resumeGraceMs,
      idleTimeoutMs: this.config.idleTimeoutMs,
    });
  }

  #resume(c: Connection, s: Session, ack: number): void {
    if (s.conn) {
      const prev = s.conn;
      prev.session = undefined;
      this.#close(prev, CloseCode.SessionReplaced, "session resumed on another connection");
    }
    s.conn = c;
    s.expiresAt = undefined;
    c.session = s;
    const { texts, lost } = s.buffer.replay(ack);
    s.buffer.acknowledge(ack);
    this.#stats.resumes++;
    this.#stats.resumeLost += lost;
    this.#log.debug("session resumed", { peerId: s.peerId, replayed: texts.length, lost });
    this.#send(c, this.#welcome(s, true, lost));
    for (const t of texts) this.#send(c, t);
  }

  /** One text frame from connection `conn`. Never throws on its content. */
  handleFrame(now: Millis, conn: number, data: Uint8Array | string): void {
    const c = this.#conns.get(conn);
    if (!c || c.closing) return;
    const size = typeof data === "string" ? data.length : data.byteLength;
    c.lastSeen = now;
    this.#stats.framesReceived++;
    this.#stats.bytesReceived += size;
    const s = c.session;
    if (!s) return;
    if (!c.bucket.take(now)) {
      if (++c.rateLimitErrors > this.config.maxRateLimitErrors) {
        this.#close(c, CloseCode.PolicyViolation, "rate limit exceeded repeatedly");
        return;
      }
      const id = size <= this.config.maxMessageBytes ? this.#peekId(data) : null;
      this.#error(c, id, ErrorCode.RateLimited, "rate limited", {
        retryAfterMs: c.bucket.waitMs(now),
      });
      return;
    }
    c.rateLimitErrors = 0;
    if (size > this.config.maxMessageBytes) {
      this.#error(c, null, ErrorCode.MessageTooLarge, "message too large", {
        maxMessageBytes: this.config.maxMessageBytes,
      });
      return;
    }
    let text: string;
    try {
      text = typeof data === "string" ? data : utf8Decode(data, true);
    } catch {
      this.#error(c, null, ErrorCode.ParseError, "Parse error: invalid UTF-8");
      return;
    }
    const f = parseFrame(text);
    if (f.kind === "invalid") {
      this.#error(c, f.id, f.error.code, f.error.message);
      return;
    }
    if (f.kind === "result" || f.kind === "error") return;
    const id = f.kind === "request" ? f.id : undefined;
    if (id !== undefined) {
      const cached = s.cachedResponse(id);
      if (cached !== undefined) {
        this.#send(c, cached);
        return;
      }
      if (s.joining?.id === id) return;
    }
    if (!isMethod(f.method)) {
      this.#error(c, id, ErrorCode.MethodNotFound, `Method not found: ${f.method.slice(0, 64)}`);
      return;
    }
    this.#dispatch(s, id, f.method, f.params);
  }

  #peekId(data: Uint8Array | string): RpcId {
    const f = parseFrame(typeof data === "string" ? data : utf8Decode(data));
    return f.kind === "request" ? f.id : null;
  }

  #dispatch(s: Session, id: RpcId | undefined, method: MethodName, params: JsonObject): void {
    const v = validateParams(method, params);
    if (!v.ok) {
      this.#reply(s, id, undefined, ErrorCode.InvalidParams, v.message);
      return;
    }
    switch (method) {
      case "ping": {
        this.#reply(s, id, "pong");
        return;
      }
      case "join": {
        this.#join(s, id, v.params as { room: string; metadata?: JsonObject });
        return;
      }
      case "leave":
        if (s.room === undefined) {
          this.#reply(s, id, undefined, ErrorCode.NotInRoom, "not in a room");
          return;
        }
        this.#leave(s);
        {
          this.#reply(s, id, true);
          return;
        }
      default: {
        const p = v.params as { to?: string } & JsonObject;
        if (s.room === undefined) {
          this.#reply(s, id, undefined, ErrorCode.NotInRoom, "not in a room");
          return;
        }
        const room = this.#rooms.get(s.room)!;
        if (p.to === undefined) {
          const body = `"from":${JSON.stringify(s.peerId)},"data":${JSON.stringify(p.data)},"broadcast":true`;
          for (const other of room.locals) if (other !== s) this.#deliver(other, "message", body);
          if (room.replica.hasRemoteMembers)
            this.#directory({ op: "broadcast", room: s.room, from: s.peerId, body });
          this.#reply(s, id, true);
          return;
        }
        const target = room.replica.members.get(p.to);
        if (!target || p.to === s.peerId) {
          this.#reply(s, id, undefined, ErrorCode.PeerUnknown, "peer unknown", {
            peerId: p.to,
          });
          return;
        }
        const payload =
          method === "message" ? "data" : method === "candidate" ? "candidate" : "description";
        const extra = method === "message" ? ',"broadcast":false' : "";
        const body = `"from":${JSON.stringify(s.peerId)},"${payload}":${JSON.stringify(p[payload])}${extra}`;
        if (target.node === this.config.nodeId) {
          const local = this.#peers.get(target.peerId);
          if (local) this.#deliver(local, method, body);
        } else this.#directory({ op: "relay", node: target.node, to: target.peerId, method, body });
        this.#reply(s, id, true);
        return;
      }
    }
  }

  #join(s: Session, id: RpcId | undefined, p: { room: string; metadata?: JsonObject }): void {
    if (s.room !== undefined || s.joining) {
      this.#reply(s, id, undefined, ErrorCode.AlreadyJoined, "already in a room; leave first");
      return;
    }
    if (s.claims && !tokenCoversRoom(s.claims, p.room)) {
      this.#reply(s, id, undefined, ErrorCode.Unauthorized, "token does not cover this room");
      return;
    }
    let room = this.#rooms.get(p.room);
    if (!room) {
      if (this.#rooms.size >= this.config.maxRooms) {
        this.#reply(s, id, undefined, ErrorCode.TooManyRooms, "too many rooms on this server");
        return;
      }
      room = { replica: new RoomReplica(this.config.nodeId), locals: new Set() };
      this.#rooms.set(p.room, room);
      this.#directory({ op: "subscribe", room: p.room });
    }
    const ticket = this.#nextTicket++;
    s.joining = { ticket, room: p.room, id };
    s.metadata = p.metadata;
    this.#tickets.set(ticket, { s, room: p.room });
    const member: MemberRecord = {
      peerId: s.peerId,
      node: this.config.nodeId,
      ...(s.claims ? { identity: s.claims.sub } : {}),
      ...(p.metadata ? { metadata: p.metadata } : {}),
    };
    this.#directory({
      op: "join",
      ticket,
      room: p.room,
      member,
      maxPeers: this.config.maxPeersPerRoom,
    });
  }

  #leave(s: Session): void {
    const name = s.room;
    if (name === undefined) return;
    s.room = undefined;
    const room = this.#rooms.get(name);
    room?.locals.delete(s);
    this.#directory({ op: "leave", room: name, peerId: s.peerId });
    this.#dropRoomIfUnused(name);
  }

  #dropRoomIfUnused(name: string): void {
    const room = this.#rooms.get(name);
    if (!room || room.locals.size > 0) return;
    for (const t of this.#tickets.values()) if (t.room === name) return;
    this.#rooms.delete(name);
    this.#directory({ op: "unsubscribe", room: name });
  }

  /** An answer or event from the directory. */
  handleDirectory(now: Millis, input: DirectoryInput): void {
    switch (input.kind) {
      case "joined":
      case "join-refused": {
        const t = this.#tickets.get(input.ticket);
        if (!t) return;
        this.#tickets.delete(input.ticket);
        const { s } = t;
        const pending = s.joining?.ticket === input.ticket ? s.joining : undefined;
        if (!pending || !this.#sessions.has(s.token)) {
          // The session ended while its join was in flight: undo the join.
          if (input.kind === "joined")
            this.#directory({ op: "leave", room: t.room, peerId: s.peerId });
          this.#dropRoomIfUnused(t.room);
          return;
        }
        s.joining = undefined;
        const room = this.#rooms.get(pending.room);
        if (input.kind === "join-refused" || !room) {
          this.#dropRoomIfUnused(pending.room);
          const full = input.kind === "join-refused" && input.reason === "room-full";
          this.#reply(
            s,
            pending.id,
            undefined,
            full ? ErrorCode.RoomFull : ErrorCode.InternalError,
            full ? "room full" : "directory unavailable",
            full ? { maxPeersPerRoom: this.config.maxPeersPerRoom } : undefined,
          );
          return;
        }
        s.room = pending.room;
        s.joinedAtSeq = input.seq;
        room.locals.add(s);
        this.#notifyChanges(
          room,
          pending.room,
          room.replica.applySnapshot(now, input.seq, input.members),
        );
        const members: PeerInfo[] = [];
        for (const m of input.members) if (m.peerId !== s.peerId) members.push(peerInfo(m));
        const result: JoinResult = { room: pending.room, peerId: s.peerId, members };
        this.#reply(s, pending.id, result);
        return;
      }
      case "member-added":
      case "member-removed": {
        const room = this.#rooms.get(input.room);
        if (!room) return;
        const ev =
          input.kind === "member-added"
            ? ({ kind: "added", member: input.member } as const)
            : ({ kind: "removed", peerId: input.peerId } as const);
        this.#notifyChanges(room, input.room, room.replica.applyEvent(now, input.seq, ev));
        return;
      }
      case "snapshot": {
        const room = this.#rooms.get(input.room);
        if (!room) return;
        this.#notifyChanges(
          room,
          input.room,
          room.replica.applySnapshot(now, input.seq, input.members, true),
        );
        return;
      }
      case "relay": {
        const s = this.#peers.get(input.to);
        if (s?.room !== undefined) this.#deliver(s, input.method, input.body);
        return;
      }
      case "broadcast": {
        if (input.node === this.config.nodeId) return;
        const room = this.#rooms.get(input.room);
        if (room)
          for (const s of room.locals)
            if (s.peerId !== input.from) this.#deliver(s, "message", input.body);
        return;
      }
    }
  }

  /** The directory lost events (e.g. Redis reconnected): resynchronise every room. */
  handleDirectoryReset(_now: Millis): void {
    for (const name of this.#rooms.keys()) {
      this.#directory({ op: "subscribe", room: name });
      this.#directory({ op: "sync", room: name });
    }
  }

  #notifyChanges(room: LocalRoom, name: string, changes: readonly MemberChange[]): void {
    for (const ch of changes) {
      const body =
        ch.kind === "added"
          ? `"room":${JSON.stringify(name)},"peer":${JSON.stringify(peerInfo(ch.member))}`
          : `"room":${JSON.stringify(name)},"peerId":${JSON.stringify(ch.member.peerId)}`;
      for (const s of room.locals)
        if (ch.seq > s.joinedAtSeq && s.peerId !== ch.member.peerId)
          this.#deliver(s, ch.kind === "added" ? "peer-joined" : "peer-left", body);
    }
  }

  /** A pong (or any sign of life below the JSON-RPC level) from `conn`. */
  handlePong(now: Millis, conn: number): void {
    const c = this.#conns.get(conn);
    if (c) c.lastSeen = now;
  }

  /**
   * The connection closed (whoever closed it), with its close `code` if known. Its session
   * waits `resumeGraceMs` for a resume.
   */
  handleClose(now: Millis, conn: number, code?: number): void {
    const c = this.#conns.get(conn);
    if (!c) return;
    if (code === CloseCode.MessageTooBig && !c.closing) {
      // The adapter's hard frame cap (RFC 6455 §7.4.1 code 1009) cut the connection.
      bump(this.#stats.errors, errorCodeName(ErrorCode.MessageTooLarge));
      bump(this.#stats.closes, "frame too big");
    }
    this.#conns.delete(conn);
    const s = c.session;
    c.session = undefined;
    if (!s || s.conn !== c) return;
    s.conn = undefined;
    if (this.config.resumeGraceMs === 0 || this.#shuttingDown) this.#endSession(s);
    else s.expiresAt = now + this.config.resumeGraceMs;
  }

  #endSession(s: Session): void {
    this.#leave(s);
    s.joining = undefined;
    this.#sessions.delete(s.token);
    this.#peers.delete(s.peerId);
    if (s.conn) {
      const c = s.conn;
      s.conn = undefined;
      c.session = undefined;
    }
  }

  handleTimeout(now: Millis): void {
    if (now >= this.#nextSweep) {
      this.#nextSweep = now + this.config.pingIntervalMs;
      for (const c of this.#conns.values()) {
        if (c.closing) continue;
        const idle = now - c.lastSeen;
        if (idle >= this.config.idleTimeoutMs)
          this.#close(c, CloseCode.IdleTimeout, "idle timeout");
        else if (idle >= this.config.pingIntervalMs) this.#out.push({ type: "ping", conn: c.id });
      }
      for (const [name, room] of this.#rooms) {
        const gap = room.replica.gapSince;
        if (gap !== undefined && now - gap >= this.config.resyncAfterMs)
          this.#directory({ op: "sync", room: name });
      }
    }
    for (const s of [...this.#sessions.values()])
      if (s.expiresAt !== undefined && s.expiresAt <= now) this.#endSession(s);
  }

  pollTimeout(): Millis | undefined {
    let t: Millis = this.#nextSweep;
    for (const s of this.#sessions.values())
      if (s.expiresAt !== undefined && s.expiresAt < t) t = s.expiresAt;
    return t;
  }

  pollOutput(): ServerOutput | undefined {
    return this.#out.shift();
  }

  /**
   * Graceful shutdown: every client gets a `reconnect` notification and a 1012 close, every
   * session leaves its room (other nodes see `peer-left`). New connections are refused.
   */
  shutdown(_now: Millis, reason = "server shutting down"): void {
    this.#shuttingDown = true;
    const notice = encodeNotification("reconnect", {
      reason,
      retryAfterMs: this.config.shutdownRetryAfterMs,
    });
    for (const c of this.#conns.values()) {
      if (c.closing) continue;
      this.#send(c, notice);
      this.#close(c, CloseCode.ServiceRestart, reason);
    }
    for (const s of [...this.#sessions.values()]) this.#endSession(s);
  }

  stats(): ServerStats {
    let detached = 0;
    for (const s of this.#sessions.values()) if (!s.conn) detached++;
    const st = this.#stats;
    return {
      connections: this.#conns.size,
      sessions: this.#sessions.size,
      detachedSessions: detached,
      rooms: this.#rooms.size,
      connectionsTotal: st.connectionsTotal,
      framesReceived: st.framesReceived,
      bytesReceived: st.bytesReceived,
      relayed: { ...st.relayed },
      errors: { ...st.errors },
      closes: { ...st.closes },
      resumes: st.resumes,
      resumeMisses: st.resumeMisses,
      resumeLost: st.resumeLost,
    };
  }

  /** Sends a sequenced notification to `s` (or keeps it for a resume). */
  #deliver(s: Session, method: string, body: string): void {
    const seq = s.buffer.nextSeq();
    const text = `{"jsonrpc":"2.0","method":"${method}","params":{"seq":${seq},${body}}}`;
    s.buffer.push(seq, text);
    bump(this.#stats.relayed, method);
    if (s.conn && !s.conn.closing) this.#out.push({ type: "send", conn: s.conn.id, text });
  }

  #reply(
    s: Session,
    id: RpcId | undefined,
    result: unknown,
    code?: number,
    message?: string,
    data?: unknown,
  ): void {
    if (id === undefined) {
      if (code !== undefined) bump(this.#stats.errors, errorCodeName(code));
      return;
    }
    let text: string;
    if (code === undefined) text = encodeResult(id, result);
    else {
      bump(this.#stats.errors, errorCodeName(code));
      text = encodeError(
        id,
        data === undefined
          ? { code, message: message! }
          : { code, message: message!, data: data as JsonObject },
      );
    }
    if (id !== null) s.rememberResponse(id, text);
    if (s.conn && !s.conn.closing) this.#out.push({ type: "send", conn: s.conn.id, text });
  }

  #error(
    c: Connection,
    id: RpcId | undefined,
    code: number,
    message: string,
    data?: JsonObject,
  ): void {
    bump(this.#stats.errors, errorCodeName(code));
    this.#send(
      c,
      encodeError(id ?? null, data === undefined ? { code, message } : { code, message, data }),
    );
  }

  #refuse(c: Connection, code: number, message: string, close: number, reason?: string): void {
    this.#error(c, null, code, message, reason === undefined ? undefined : { reason });
    this.#close(c, close, message);
  }

  #send(c: Connection, text: string): void {
    if (!c.closing) this.#out.push({ type: "send", conn: c.id, text });
  }

  #close(c: Connection, code: number, reason: string): void {
    if (c.closing) return;
    c.closing = true;
    bump(this.#stats.closes, reason);
    this.#out.push({ type: "close", conn: c.id, code, reason });
  }

  #directory(op: DirectoryOp): void {
    this.#out.push({ type: "directory", op });
  }
}

function peerInfo(m: MemberRecord): PeerInfo {
  return {
    peerId: m.peerId,
    ...(m.identity === undefined ? {} : { identity: m.identity }),
    ...(m.metadata === undefined ? {} : { metadata: m.metadata }),
  };
}
