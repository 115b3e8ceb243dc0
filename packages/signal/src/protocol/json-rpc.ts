import { ErrorCode, errorCodeName } from "./error-codes.js";

/**
 * JSON-RPC 2.0 framing: one JSON object per WebSocket text frame. Parsing never throws; a frame
 * that is not a valid JSON-RPC object becomes an `invalid` frame carrying the error to answer
 * with (JSON-RPC 2.0 §5: "If there was an error in detecting the id in the Request object
 * (e.g. Parse error/Invalid Request), it MUST be Null").
 */

/** A JSON-RPC id: "An identifier established by the Client that MUST contain a String, Number, or NULL". */
export type RpcId = string | number | null;

/** A JSON value (what `JSON.parse` can return). */
export type Json =
  | null
  | boolean
  | number
  | string
  | readonly Json[]
  | { readonly [k: string]: Json };

/** A JSON object. */
export type JsonObject = { readonly [k: string]: Json };

/** The error member of a response (JSON-RPC 2.0 §5.1). */
export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: Json;
}

/** One parsed frame. */
export type RpcFrame =
  | {
      readonly kind: "request";
      readonly id: string | number;
      readonly method: string;
      readonly params: JsonObject;
    }
  | { readonly kind: "notification"; readonly method: string; readonly params: JsonObject }
  | { readonly kind: "result"; readonly id: RpcId; readonly result: Json }
  | { readonly kind: "error"; readonly id: RpcId; readonly error: RpcErrorObject }
  | { readonly kind: "invalid"; readonly id: RpcId; readonly error: RpcErrorObject };

/** An error with a JSON-RPC code: what the client rejects with and what the server answers. */
export class SignalError extends Error {
  readonly code: number;
  readonly data: Json | undefined;
  constructor(code: number, message: string, data?: Json) {
    super(message);
    this.name = `SignalError(${errorCodeName(code)})`;
    this.code = code;
    this.data = data;
  }

  /** The wire form. */
  toJSON(): RpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function validId(v: unknown): v is RpcId {
  return v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}

function invalid(id: RpcId, code: number, message: string): RpcFrame {
  return { kind: "invalid", id, error: { code, message } };
}

/** Parses one text frame. Never throws. */
export function parseFrame(text: string): RpcFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid(null, ErrorCode.ParseError, "Parse error: the frame is not valid JSON");
  }
  if (Array.isArray(value))
    return invalid(null, ErrorCode.InvalidRequest, "Invalid Request: batches are not supported");
  if (!isObject(value))
    return invalid(null, ErrorCode.InvalidRequest, "Invalid Request: expected a JSON object");
  const hasId = "id" in value;
  const id = hasId && validId(value.id) ? value.id : null;
  if (value.jsonrpc !== "2.0")
    return invalid(id, ErrorCode.InvalidRequest, 'Invalid Request: "jsonrpc" must be "2.0"');
  if (hasId && !validId(value.id))
    return invalid(null, ErrorCode.InvalidRequest, "Invalid Request: bad id");
  if ("method" in value) {
    if (typeof value.method !== "string" || value.method.length === 0)
      return invalid(id, ErrorCode.InvalidRequest, 'Invalid Request: "method" must be a string');
    const params = value.params ?? {};
    if (!isObject(params))
      return invalid(id, ErrorCode.InvalidParams, "Invalid params: expected an object (by name)");
    if (!hasId) return { kind: "notification", method: value.method, params };
    if (id === null)
      return invalid(null, ErrorCode.InvalidRequest, "Invalid Request: id must not be null");
    return { kind: "request", id, method: value.method, params };
  }
  if ("result" in value && hasId) return { kind: "result", id, result: value.result ?? null };
  if (isObject(value.error) && hasId) {
    const e = value.error;
    if (typeof e.code === "number" && typeof e.message === "string")
      return {
        kind: "error",
        id,
        error:
          e.data === undefined
            ? { code: e.code, message: e.message }
            : { code: e.code, message: e.message, data: e.data },
      };
  }
  return invalid(id, ErrorCode.InvalidRequest, "Invalid Request: neither a call nor a response");
}

/** `{"jsonrpc":"2.0","id":…,"method":…,"params":…}` */
export function encodeRequest(id: string | number, method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method, params });
}

/** `{"jsonrpc":"2.0","method":…,"params":…}` (no id: no response expected). */
export function encodeNotification(method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", method, params });
}

/** `{"jsonrpc":"2.0","id":…,"result":…}` */
export function encodeResult(id: RpcId, result: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", id, result });
}

/** `{"jsonrpc":"2.0","id":…,"error":{"code","message","data"?}}` */
export function encodeError(id: RpcId, error: RpcErrorObject): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error });
}
