export {
  backoffDelay,
  type ClientConfig,
  DEFAULT_CLIENT_CONFIG,
  resolveClientConfig,
} from "./client/client-config.js";
export {
  type ClientEvent,
  type ClientOutput,
  type ServerNotification,
  SignalClientCore,
} from "./client/client-core.js";
export {
  CloseCode,
  ErrorCode,
  type ErrorCodeName,
  type ErrorCodeValue,
  errorCodeName,
} from "./protocol/error-codes.js";
export {
  encodeError,
  encodeNotification,
  encodeRequest,
  encodeResult,
  type Json,
  type JsonObject,
  parseFrame,
  type RpcErrorObject,
  type RpcFrame,
  type RpcId,
  SignalError,
} from "./protocol/json-rpc.js";
export {
  isMethod,
  type JoinResult,
  METHODS,
  type MethodName,
  type MethodParams,
  type MethodResults,
  type NotificationName,
  type NotificationParams,
  PEER_ID,
  type PeerInfo,
  ROOM_NAME,
  type SequencedNotification,
  type Validated,
  validateParams,
} from "./protocol/methods.js";
export {
  base64UrlDecode,
  base64UrlEncode,
  type HmacSha256,
  signToken,
  type TokenClaims,
  type TokenRejection,
  type TokenVerdict,
  tokenCoversRoom,
  verifyToken,
} from "./protocol/token.js";
export {
  type ConnectRoomOptions,
  connectRoom,
  type DescriptionInit,
  type PeerConnectionLike,
  type RoomConnection,
  type RoomPeer,
} from "./runtime/perfect-negotiation.js";
export {
  SignalClient,
  type SignalClientEventMap,
  type SignalClientOptions,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./runtime/signal-client.js";
