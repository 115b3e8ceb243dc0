import { DecodeError } from "@purertc/common";
import { AV1_OBU_SEQUENCE_HEADER } from "./av1.js";

/**
 * The fields of an AV1 Sequence Header OBU (AV1 Bitstream & Decoding Process Specification
 * §5.5) that a container needs: profile, level and tier of operating point 0, frame size and
 * colour format. Everything else in the header is read past, not kept.
 */
export interface Av1SequenceHeader {
  /** seq_profile: 0 Main (4:2:0), 1 High (4:4:4), 2 Professional. */
  readonly seqProfile: number;
  readonly stillPicture: boolean;
  readonly reducedStillPictureHeader: boolean;
  /** seq_level_idx[0] (level of operating point 0). */
  readonly seqLevelIdx0: number;
  /** seq_tier[0]. */
  readonly seqTier0: number;
  /** max_frame_width_minus_1 + 1. */
  readonly maxFrameWidth: number;
  /** max_frame_height_minus_1 + 1. */
  readonly maxFrameHeight: number;
  readonly highBitdepth: boolean;
  readonly twelveBit: boolean;
  readonly monochrome: boolean;
  readonly subsamplingX: number;
  readonly subsamplingY: number;
  /** chroma_sample_position (0 unknown, 1 vertical, 2 colocated). */
  readonly chromaSamplePosition: number;
  readonly filmGrainParamsPresent: boolean;
}

/** A Sequence Header OBU found in a temporal unit: the whole OBU and its payload. */
export interface Av1SequenceHeaderObu {
  /** The OBU with its header, written with `obu_has_size_field` = 1. */
  readonly obu: Uint8Array;
  readonly header: Av1SequenceHeader;
}

function fail(code: string, offset: number, detail: string): never {
  throw new DecodeError("rtp", code, offset, detail);
}

/** MSB-first bit reader over an OBU payload (AV1 spec §4.10.2 f(n), §4.10.3 uvlc()). */
class BitReader {
  readonly #b: Uint8Array;
  #pos = 0;

  constructor(b: Uint8Array) {
    this.#b = b;
  }

  /** f(n) for n ≤ 32. */
  f(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.#pos >>> 3;
      if (byte >= this.#b.byteLength) fail("truncated", byte, "AV1 sequence header");
      v = v * 2 + ((this.#b[byte]! >>> (7 - (this.#pos & 7))) & 1);
      this.#pos++;
    }
    return v;
  }

  flag(): boolean {
    return this.f(1) === 1;
  }

  uvlc(): number {
    let leadingZeros = 0;
    while (!this.flag()) {
      leadingZeros++;
      if (leadingZeros > 32) fail("bad-value", this.#pos >>> 3, "AV1 uvlc() too long");
    }
    if (leadingZeros >= 32) return 2 ** 32 - 1;
    return this.f(leadingZeros) + 2 ** leadingZeros - 1;
  }
}

/**
 * Decodes a sequence_header_obu() payload (§5.5.1, without the OBU header). Throws
 * `DecodeError` on truncation or when the payload's trailing one bit is not where the fields
 * end.
 */
export function decodeAv1SequenceHeader(payload: Uint8Array): Av1SequenceHeader {
  const r = new BitReader(payload);
  const seqProfile = r.f(3);
  if (seqProfile > 2) fail("bad-value", 0, `AV1 seq_profile ${seqProfile}`);
  const stillPicture = r.flag();
  const reducedStillPictureHeader = r.flag();
  let seqLevelIdx0 = 0;
  let seqTier0 = 0;
  if (reducedStillPictureHeader) {
    seqLevelIdx0 = r.f(5);
  } else {
    let decoderModelInfoPresent = false;
    let bufferDelayLength = 0;
    if (r.flag()) {
      // timing_info() §5.5.3
      r.f(32); // num_units_in_display_tick
      r.f(32); // time_scale
      if (r.flag()) r.uvlc(); // equal_picture_interval → num_ticks_per_picture_minus_1
      decoderModelInfoPresent = r.flag();
      if (decoderModelInfoPresent) {
        // decoder_model_info() §5.5.4
        bufferDelayLength = r.f(5) + 1;
        r.f(32); // num_units_in_decoding_tick
        r.f(5); // buffer_removal_time_length_minus_1
        r.f(5); // frame_presentation_time_length_minus_1
      }
    }
    const initialDisplayDelayPresent = r.flag();
    const operatingPoints = r.f(5) + 1;
    for (let i = 0; i < operatingPoints; i++) {
      r.f(12); // operating_point_idc[i]
      const level = r.f(5);
      const tier = level > 7 ? r.f(1) : 0;
      if (i === 0) {
        seqLevelIdx0 = level;
        seqTier0 = tier;
      }
      if (decoderModelInfoPresent && r.flag()) {
        // operating_parameters_info() §5.5.5
        r.f(bufferDelayLength); // decoder_buffer_delay
        r.f(bufferDelayLength); // encoder_buffer_delay
        r.f(1); // low_delay_mode_flag
      }
      if (initialDisplayDelayPresent && r.flag()) r.f(4); // initial_display_delay_minus_1
    }
  }
  const widthBits = r.f(4) + 1;
  const heightBits = r.f(4) + 1;
  const maxFrameWidth = r.f(widthBits) + 1;
  const maxFrameHeight = r.f(heightBits) + 1;
  if (!reducedStillPictureHeader && r.flag()) {
    r.f(4); // delta_frame_id_length_minus_2
    r.f(3); // additional_frame_id_length_minus_1
  }
  r.f(3); // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
  if (!reducedStillPictureHeader) {
    r.f(4); // enable_interintra_compound, masked_compound, warped_motion, dual_filter
    const enableOrderHint = r.flag();
    if (enableOrderHint) r.f(2); // enable_jnt_comp, enable_ref_frame_mvs
    const forceScreenContentTools = r.flag() ? 2 : r.f(1); // seq_choose_screen_content_tools
    if (forceScreenContentTools > 0 && !r.flag()) r.f(1); // seq_choose_integer_mv
    if (enableOrderHint) r.f(3); // order_hint_bits_minus_1
  }
  r.f(3); // enable_superres, enable_cdef, enable_restoration
  // color_config() §5.5.2
  const highBitdepth = r.flag();
  const twelveBit = seqProfile === 2 && highBitdepth ? r.flag() : false;
  const bitDepth = twelveBit ? 12 : highBitdepth ? 10 : 8;
  const monochrome = seqProfile === 1 ? false : r.flag();
  let colorPrimaries = 2;
  let transferCharacteristics = 2;
  let matrixCoefficients = 2;
  if (r.flag()) {
    colorPrimaries = r.f(8);
    transferCharacteristics = r.f(8);
    matrixCoefficients = r.f(8);
  }
  let subsamplingX = 1;
  let subsamplingY = 1;
  let chromaSamplePosition = 0;
  if (monochrome) {
    r.f(1); // color_range
  } else if (colorPrimaries === 1 && transferCharacteristics === 13 && matrixCoefficients === 0) {
    // sRGB: 4:4:4, full range
    subsamplingX = 0;
    subsamplingY = 0;
  } else {
    r.f(1); // color_range
    if (seqProfile === 1) {
      subsamplingX = 0;
      subsamplingY = 0;
    } else if (seqProfile === 2) {
      if (bitDepth === 12) {
        subsamplingX = r.f(1);
        subsamplingY = subsamplingX ? r.f(1) : 0;
      } else {
        subsamplingY = 0;
      }
    }
    if (subsamplingX && subsamplingY) chromaSamplePosition = r.f(2);
  }
  if (!monochrome) r.f(1); // separate_uv_delta_q
  const filmGrainParamsPresent = r.flag();
  // trailing_bits() §5.3.4: a one bit ends the payload; anything else means a misread field.
  if (!r.flag()) fail("bad-value", 0, "AV1 sequence header without trailing one bit");
  return {
    seqProfile,
    stillPicture,
    reducedStillPictureHeader,
    seqLevelIdx0,
    seqTier0,
    maxFrameWidth,
    maxFrameHeight,
    highBitdepth,
    twelveBit,
    monochrome,
    subsamplingX,
    subsamplingY,
    chromaSamplePosition,
    filmGrainParamsPresent,
  };
}

/**
 * Finds the Sequence Header OBU in a temporal unit in the low-overhead bitstream format (as
 * the AV1 depacketizer, IVF and Matroska carry it) and decodes it; `undefined` when the unit
 * has none (only keyframes starting a coded video sequence carry one).
 */
export function findAv1SequenceHeader(tu: Uint8Array): Av1SequenceHeaderObu | undefined {
  let o = 0;
  while (o < tu.byteLength) {
    const h = tu[o]!;
    const headerLen = h & 0x04 ? 2 : 1;
    let size = tu.byteLength - o - headerLen;
    let sizeLen = 0;
    if (h & 0x02) {
      size = 0;
      for (;;) {
        const at = o + headerLen + sizeLen;
        if (at >= tu.byteLength || sizeLen === 8) fail("truncated", at, "OBU size");
        const b = tu[at]!;
        size += (b & 0x7f) * 2 ** (7 * sizeLen++);
        if ((b & 0x80) === 0) break;
      }
    }
    const start = o + headerLen + sizeLen;
    const end = start + size;
    if (size < 0 || end > tu.byteLength) fail("truncated", o, `OBU of ${size} bytes`);
    if (((h >>> 3) & 0x0f) === AV1_OBU_SEQUENCE_HEADER) {
      const header = decodeAv1SequenceHeader(tu.subarray(start, end));
      if (h & 0x02) return { obu: tu.slice(o, end), header };
      const obu = new Uint8Array(headerLen + 5 + size);
      obu[0] = h | 0x02;
      if (headerLen === 2) obu[1] = tu[o + 1]!;
      let w = headerLen;
      let v = size;
      while (v >= 0x80) {
        obu[w++] = (v & 0x7f) | 0x80;
        v = Math.floor(v / 128);
      }
      obu[w++] = v;
      obu.set(tu.subarray(start, end), w);
      return { obu: obu.slice(0, w + size), header };
    }
    o = end;
  }
  return undefined;
}

/**
 * The AV1CodecConfigurationRecord (`av1C`, AV1 Codec ISO Media File Format Binding §2.3.3,
 * used as the Matroska `V_AV1` CodecPrivate):
 * ```
 *  0 1 2 3 4 5 6 7   0 1 2 3 4 5 6 7   0 1 2 3 4 5 6 7   0 1 2 3 4 5 6 7
 * +-+-------------+ +-----+---------+ +-+-+-+-+-+-+---+ +-----+-+-------+
 * |M|  version=1  | |prof.| level 0 | |T|H|X|m|x|y|csp| | 0 0 |P| delay | configOBUs…
 * +-+-------------+ +-----+---------+ +-+-+-+-+-+-+---+ +-----+-+-------+
 * ```
 * M marker (1), T seq_tier_0, H high_bitdepth, X twelve_bit, m monochrome, x/y chroma
 * subsampling, csp chroma_sample_position, P initial_presentation_delay_present (0 here: the
 * sequence header gives no such sample count), then the Sequence Header OBU as configOBUs.
 */
export function encodeAv1CodecConfigurationRecord(seq: Av1SequenceHeaderObu): Uint8Array {
  const h = seq.header;
  const out = new Uint8Array(4 + seq.obu.byteLength);
  out[0] = 0x81;
  out[1] = (h.seqProfile << 5) | h.seqLevelIdx0;
  out[2] =
    (h.seqTier0 << 7) |
    (h.highBitdepth ? 0x40 : 0) |
    (h.twelveBit ? 0x20 : 0) |
    (h.monochrome ? 0x10 : 0) |
    (h.subsamplingX << 3) |
    (h.subsamplingY << 2) |
    h.chromaSamplePosition;
  out[3] = 0;
  out.set(seq.obu, 4);
  return out;
}
