export * from "./address-attributes.js";
export * from "./attribute-codec.js";
export * from "./attributes.js";
export * from "./constants.js";
export * from "./demux.js";
export * from "./integrity.js";
export * from "./message.js";
