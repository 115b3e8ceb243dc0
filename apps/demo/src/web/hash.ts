/** SHA-256 for the file checksum (see shared/block-hash.ts), from WebCrypto. */

/** WebCrypto exists only in secure contexts (https, localhost). */
export function checksumsAvailable(): boolean {
  return typeof crypto !== "undefined" && crypto.subtle !== undefined;
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  if (!checksumsAvailable())
    throw new Error(
      "file checksums need a secure context: open the demo as http://localhost or over https",
    );
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
}
