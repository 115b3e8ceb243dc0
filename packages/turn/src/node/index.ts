export * from "./client.js";
export * from "./metrics.js";
export * from "./server.js";
