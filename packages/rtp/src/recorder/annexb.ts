/**
 * Raw H.264 Annex-B writer: access units from the H.264 depacketizer are already start-code
 * prefixed (RFC 6184 → H.264 Annex B), so each frame is written as is, with an access unit
 * delimiter (NAL type 9, primary_pic_type 7 = any) in front so readers split frames reliably.
 */
export class AnnexBWriter {
  static readonly AUD = Uint8Array.from([0, 0, 0, 1, 0x09, 0xf0]);

  /** The bytes of one access unit. */
  frame(accessUnit: Uint8Array): Uint8Array {
    const out = new Uint8Array(AnnexBWriter.AUD.byteLength + accessUnit.byteLength);
    out.set(AnnexBWriter.AUD);
    out.set(accessUnit, AnnexBWriter.AUD.byteLength);
    return out;
  }
}
