export * from "./attributes.js";
export * from "./channel-data.js";
export * from "./client.js";
export * from "./client-config.js";
export * from "./constants.js";
export * from "./errors.js";
export * from "./stream-framer.js";
