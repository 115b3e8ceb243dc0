export { type DebugLogSinkOptions, debugLogSink } from "./debug-log.js";
