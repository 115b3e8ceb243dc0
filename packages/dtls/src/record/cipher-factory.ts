import type { CryptoProvider } from "@purertc/crypto";
import type { CipherSuiteParams } from "../cipher-suites.js";
import type { KeyBlock } from "../key-schedule.js";
import { RecordCipher } from "./record-cipher.js";

/** Builds the write and read record ciphers of one side from the key block (RFC 5246 §6.3). */
export function recordCiphers(
  crypto: CryptoProvider,
  suite: CipherSuiteParams,
  keys: KeyBlock,
  role: "client" | "server",
): { write: RecordCipher; read: RecordCipher } {
  const client = new RecordCipher(
    crypto.createAead(suite.aead, keys.clientWriteKey),
    suite.nonce,
    keys.clientWriteIv,
  );
  const server = new RecordCipher(
    crypto.createAead(suite.aead, keys.serverWriteKey),
    suite.nonce,
    keys.serverWriteIv,
  );
  return role === "client" ? { write: client, read: server } : { write: server, read: client };
}
