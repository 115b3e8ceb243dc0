export { generateCertificateNow } from "./certificate.js";
export { nodeCrypto } from "./provider.js";
