/**
 * Error codes of the signaling protocol. The first five are JSON-RPC 2.0's own (§5.1 of the
 * specification); the application codes sit in the range the specification reserves for
 * implementation-defined server errors, -32000 to -32099.
 */
export const ErrorCode = {
  /** Invalid JSON was received (JSON-RPC 2.0 §5.1). */
  ParseError: -32700,
  /** The JSON sent is not a valid Request object (JSON-RPC 2.0 §5.1). */
  InvalidRequest: -32600,
  /** The method does not exist (JSON-RPC 2.0 §5.1). */
  MethodNotFound: -32601,
  /** Invalid method parameter(s) (JSON-RPC 2.0 §5.1). */
  InvalidParams: -32602,
  /** Internal JSON-RPC error (JSON-RPC 2.0 §5.1). */
  InternalError: -32603,
  /** Missing, malformed, expired or wrongly signed token; or the token does not cover the room. */
  Unauthorized: -32001,
  /** The room already holds `maxPeersPerRoom` peers. */
  RoomFull: -32002,
  /** The connection sent more than `messagesPerSecond` (after the burst allowance). */
  RateLimited: -32003,
  /** The target peer id is not a member of the sender's room. */
  PeerUnknown: -32004,
  /** The method needs a joined room and the connection has none. */
  NotInRoom: -32005,
  /** This server already hosts `maxRooms` rooms. */
  TooManyRooms: -32006,
  /** The frame is larger than `maxMessageBytes`. */
  MessageTooLarge: -32007,
  /** `join` while already in a room (leave first). */
  AlreadyJoined: -32008,
  /** The server is shutting down; reconnect (possibly to another node). */
  ShuttingDown: -32009,
  /** The server already holds `maxConnections` connections. */
  ServerFull: -32010,
  /** A request did not get its response in time (client side only, never on the wire). */
  Timeout: -32011,
  /** The connection closed before the response arrived (client side only). */
  ConnectionLost: -32012,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeValue = (typeof ErrorCode)[ErrorCodeName];

const NAMES = new Map<number, string>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name] as const),
);

/** The name of an error code (`-32002` → `"RoomFull"`), or `"Unknown"`. */
export function errorCodeName(code: number): string {
  return NAMES.get(code) ?? "Unknown";
}

/** WebSocket close codes used by the server (RFC 6455 §7.4; 4000-4999 are application codes). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  /** RFC 6455 §7.4.1: policy violation (here: kept flooding after rate-limit errors). */
  PolicyViolation: 1008,
  /** RFC 6455 §7.4.1: message too big for the server's hard frame cap. */
  MessageTooBig: 1009,
  /** IANA registry: Service Restart; the client should reconnect. */
  ServiceRestart: 1012,
  /** No traffic and no pong within `idleTimeoutMs`. */
  IdleTimeout: 4000,
  /** The token was rejected; reconnecting with the same token will fail again. */
  Unauthorized: 4001,
  /** The session was resumed on another connection. */
  SessionReplaced: 4002,
  /** The server is at `maxConnections`. */
  ServerFull: 4003,
  /** The client left for good (client side: `close()`). */
  ClientClosed: 4004,
} as const;
