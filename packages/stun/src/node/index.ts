export * from "./client.js";
export { CoreLoop, monotonicNow, type PollingCore } from "./loop.js";
export * from "./server.js";
