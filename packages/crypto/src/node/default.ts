import type { CryptoProvider } from "../provider.js";
import { nodeCrypto } from "./provider.js";

/** The provider `@purertc/crypto/default` resolves to under Node: OpenSSL via `node:crypto`. */
export const defaultCrypto: CryptoProvider = nodeCrypto;
