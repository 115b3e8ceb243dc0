export * from "./cli.js";
export * from "./client.js";
export * from "./config.js";
export * from "./metrics.js";
export * from "./server.js";
