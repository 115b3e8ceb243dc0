export {
  type AuthConfig,
  DEFAULT_SERVER_CONFIG,
  resolveServerConfig,
  type ServerConfig,
} from "./config.js";
export {
  type DirectoryInput,
  type DirectoryOp,
  type MemberRecord,
  MemoryDirectory,
} from "./directory.js";
export { TokenBucket } from "./rate-limiter.js";
export { ResumeBuffer } from "./resume-buffer.js";
export { type MemberChange, RoomReplica } from "./room-replica.js";
export { type OpenParams, type ServerOutput, SignalServerCore } from "./server-core.js";
export { renderMetrics, type ServerStats } from "./server-stats.js";
