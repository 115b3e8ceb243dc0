export { nobleCrypto } from "./noble/provider.js";
export type * from "./provider.js";
