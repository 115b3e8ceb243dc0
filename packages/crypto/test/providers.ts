import { nobleCrypto } from "../src/index.js";
import { nodeCrypto } from "../src/node/index.js";
import type { CryptoProvider } from "../src/provider.js";

/** Both backends, for `describe.each`: every vector must pass on each. */
export const PROVIDERS: readonly [string, CryptoProvider][] = [
  ["noble", nobleCrypto],
  ["node", nodeCrypto],
];
