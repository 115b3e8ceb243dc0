import type { Json, JsonObject } from "./json-rpc.js";

/**
 * The methods and notifications of the signaling protocol (documented for non-JS clients in
 * the package README), with the schema every incoming call is validated against.
 */

/** What a room member looks like to the others. */
export interface PeerInfo {
  /** Server-assigned, unique, stable across session resume. */
  readonly peerId: string;
  /** The token's `sub` claim (absent in open mode). */
  readonly identity?: string;
  /** What the peer passed to `join`. */
  readonly metadata?: JsonObject;
}

/** Parameters of each client → server method. */
export interface MethodParams {
  join: { readonly room: string; readonly metadata?: JsonObject };
  leave: Record<string, never>;
  offer: { readonly to: string; readonly description: Json };
  answer: { readonly to: string; readonly description: Json };
  candidate: { readonly to: string; readonly candidate: Json };
  message: { readonly to?: string; readonly data: Json };
  ping: Record<string, never>;
}

/** Results of each client → server method. */
export interface MethodResults {
  join: JoinResult;
  leave: true;
  offer: true;
  answer: true;
  candidate: true;
  message: true;
  ping: "pong";
}

export type MethodName = keyof MethodParams;

/** The result of `join`: own peer id and the members already in the room (not including self). */
export interface JoinResult {
  readonly room: string;
  readonly peerId: string;
  readonly members: readonly PeerInfo[];
}

/** Parameters of each server → client notification. */
export interface NotificationParams {
  /** First frame of every connection. */
  welcome: {
    readonly peerId: string;
    /** Secret: pass it back as `?session=` to resume within `resumeGraceMs`. */
    readonly session: string;
    readonly resumed: boolean;
    /** Notifications dropped from the resume buffer while away (it is bounded). */
    readonly lost: number;
    /** The room kept across the resume, if any. */
    readonly room?: string;
    readonly resumeGraceMs: number;
    readonly idleTimeoutMs: number;
  };
  "peer-joined": { readonly seq: number; readonly room: string; readonly peer: PeerInfo };
  "peer-left": { readonly seq: number; readonly room: string; readonly peerId: string };
  offer: { readonly seq: number; readonly from: string; readonly description: Json };
  answer: { readonly seq: number; readonly from: string; readonly description: Json };
  candidate: { readonly seq: number; readonly from: string; readonly candidate: Json };
  message: {
    readonly seq: number;
    readonly from: string;
    readonly data: Json;
    /** True when sent to the whole room (no `to`). */
    readonly broadcast: boolean;
  };
  /** The server is going away: reconnect after `retryAfterMs` (to any node). */
  reconnect: { readonly reason: string; readonly retryAfterMs: number };
}

export type NotificationName = keyof NotificationParams;

/** Notifications that carry `seq` and go through the resume buffer. */
export type SequencedNotification = Exclude<NotificationName, "welcome" | "reconnect">;

export const METHODS: readonly MethodName[] = [
  "join",
  "leave",
  "offer",
  "answer",
  "candidate",
  "message",
  "ping",
];

const METHOD_SET = new Set<string>(METHODS);

/** Whether `name` is a method of the protocol. */
export function isMethod(name: string): name is MethodName {
  return METHOD_SET.has(name);
}

/** Room names: 1-128 characters, no control characters (C0 or DEL). */
export const ROOM_NAME = {
  test(name: string): boolean {
    if (name.length < 1 || name.length > 128) return false;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c < 0x20 || c === 0x7f) return false;
    }
    return true;
  },
} as const;
/** Peer ids as the server generates them. */
export const PEER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The outcome of validating a call's params. */
export type Validated<M extends MethodName> =
  | { readonly ok: true; readonly params: MethodParams[M] }
  | { readonly ok: false; readonly message: string };

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message: `Invalid params: ${message}` };
}

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function unknownKeys(params: JsonObject, allowed: readonly string[]): string | undefined {
  for (const k of Object.keys(params)) if (!allowed.includes(k)) return k;
  return undefined;
}

function checkTarget(params: JsonObject, payload: string, optionalTo: boolean): string | undefined {
  const extra = unknownKeys(params, ["to", payload]);
  if (extra !== undefined) return `unknown member "${extra}"`;
  if (params.to === undefined) {
    if (!optionalTo) return '"to" is required';
  } else if (typeof params.to !== "string" || !PEER_ID.test(params.to))
    return '"to" must be a peer id';
  if (!(payload in params)) return `"${payload}" is required`;
  return undefined;
}

/** Validates `params` for `method` against the protocol schema. */
export function validateParams<M extends MethodName>(method: M, params: JsonObject): Validated<M> {
  let error: string | undefined;
  switch (method) {
    case "join": {
      const extra = unknownKeys(params, ["room", "metadata"]);
      if (extra !== undefined) error = `unknown member "${extra}"`;
      else if (typeof params.room !== "string" || !ROOM_NAME.test(params.room))
        error = '"room" must be a string of 1-128 characters without control characters';
      else if (params.metadata !== undefined && !isPlainObject(params.metadata))
        error = '"metadata" must be an object';
      break;
    }
    case "leave":
    case "ping": {
      const extra = unknownKeys(params, []);
      if (extra !== undefined) error = `unknown member "${extra}"`;
      break;
    }
    case "offer":
    case "answer": {
      error = checkTarget(params, "description", false);
      if (error === undefined && !isPlainObject(params.description))
        error = '"description" must be an object ({type, sdp})';
      break;
    }
    case "candidate": {
      error = checkTarget(params, "candidate", false);
      if (error === undefined && params.candidate !== null && !isPlainObject(params.candidate))
        error = '"candidate" must be an object or null (end of candidates)';
      break;
    }
    case "message":
      error = checkTarget(params, "data", true);
      break;
  }
  return error === undefined
    ? { ok: true, params: params as unknown as MethodParams[M] }
    : fail(error);
}
