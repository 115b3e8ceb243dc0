import { DecodeError, fromBase64, toBase64 } from "@purertc/common";

/**
 * PEM text encoding (RFC 7468): `-----BEGIN <label>-----`, base64 in 64-character lines,
 * `-----END <label>-----`. Labels we use: `CERTIFICATE`, `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY`
 * (SEC1), `PUBLIC KEY`.
 */

/** One PEM block. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

/** Encodes DER bytes as one PEM block (RFC 7468 §2, strict form). */
export function encodePem(label: string, der: Uint8Array): string {
  if (!/^[\x21-\x2c\x2e-\x7e]([- ]?[\x21-\x2c\x2e-\x7e])*$/.test(label))
    throw new TypeError(`invalid PEM label "${label}"`);
  const b64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join("\n")}${lines.length ? "\n" : ""}-----END ${label}-----\n`;
}

const BLOCK = /-----BEGIN ([^-\r\n]*)-----([\s\S]*?)-----END ([^-\r\n]*)-----/g;

/**
 * Every PEM block in `text` (text between blocks is ignored, as RFC 7468 §2 allows).
 * Throws {@link DecodeError} (layer `"pem"`) on a mismatched END line, encapsulated headers
 * (encrypted legacy keys) or invalid base64.
 */
export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const [, label = "", body = "", endLabel] = m;
    const offset = m.index ?? 0;
    if (label !== endLabel)
      throw new DecodeError("pem", "label-mismatch", offset, `BEGIN ${label} / END ${endLabel}`);
    if (body.includes(":"))
      throw new DecodeError(
        "pem",
        "unsupported-headers",
        offset,
        "encapsulated headers (encrypted key?)",
      );
    try {
      blocks.push({ label, der: fromBase64(body.replace(/\s+/g, "")) });
    } catch {
      throw new DecodeError("pem", "bad-base64", offset, label);
    }
  }
  return blocks;
}

/** The DER of the first block labelled `label`; throws {@link DecodeError} when there is none. */
export function decodePemBlock(text: string, label: string): Uint8Array {
  const block = decodePem(text).find((b) => b.label === label);
  if (block === undefined) throw new DecodeError("pem", "missing-block", 0, `no "${label}" block`);
  return block.der;
}
