export * from "../../server/index.js";
export { CLI_USAGE, type CliCommand, parseCliArgs } from "./cli-args.js";
export { type Directory, LocalDirectory } from "./directory-adapter.js";
export { type JsonLogOptions, jsonLogSink } from "./json-log.js";
export { createToken, nodeHmacSha256 } from "./node-crypto.js";
export { RedisDirectory, type RedisDirectoryOptions } from "./redis-directory.js";
export { SignalServer, type SignalServerOptions, startSignalServer } from "./signal-server.js";
