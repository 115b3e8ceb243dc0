export { nodeCrypto } from "./provider.js";
