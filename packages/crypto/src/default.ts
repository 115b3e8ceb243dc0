import { nobleCrypto } from "./noble/provider.js";
import type { CryptoProvider } from "./provider.js";

/**
 * The provider `@purertc/crypto/default` resolves to outside Node: the portable @noble backend.
 * (Under Node the `node` export condition selects `nodeCrypto` instead.)
 */
export const defaultCrypto: CryptoProvider = nobleCrypto;
