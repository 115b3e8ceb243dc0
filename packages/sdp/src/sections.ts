/**
 * The data objects behind parsed sections (see lazy.ts): every model field in a fixed order,
 * the long lists {@link LAZY} until first read. Printing one (Node's `util.inspect`,
 * `console.log`) builds and shows every field, without the hidden layout.
 */
import type { Candidate } from "./candidate.js";
import type { Layout } from "./layout.js";
import { LAYOUT } from "./layout.js";
import { LAZY } from "./lazy.js";
import type {
  Attribute,
  Bandwidth,
  Codec,
  Connection,
  Direction,
  Extmap,
  Fingerprint,
  Group,
  MediaSection,
  Msid,
  MsidSemantic,
  Origin,
  Rid,
  Rtcp,
  SdpLine,
  SessionDescription,
  Setup,
  Simulcast,
  SsrcAttribute,
  SsrcGroup,
  Timing,
} from "./model.js";

/** Node's inspection hook (a registered symbol: no `node:util` import). */
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** A plain copy of a section (through its proxy, so every list is built), layout left out. */
function inspectable(this: object): object {
  const { [LAYOUT as symbol]: _layout, ...fields } = this as Record<symbol, unknown>;
  return fields;
}

const lazy = <T>(): T => LAZY as unknown as T;

class ParsedMediaSection implements MediaSection {
  kind = "";
  port = 0;
  portCount: number | undefined = undefined;
  protocol = "";
  formats: string[] = [];
  connection: Connection | undefined = undefined;
  bandwidths: Bandwidth[] = [];
  mid: string | undefined = undefined;
  direction: Direction | undefined = undefined;
  msids: Msid[] = [];
  iceUfrag: string | undefined = undefined;
  icePwd: string | undefined = undefined;
  iceOptions: string[] | undefined = undefined;
  fingerprints: Fingerprint[] = [];
  setup: Setup | undefined = undefined;
  rtcp: Rtcp | undefined = undefined;
  rtcpMux = false;
  rtcpMuxOnly = false;
  rtcpRsize = false;
  codecs: Codec[] = lazy();
  extmaps: Extmap[] = lazy();
  extmapAllowMixed = false;
  ssrcs: SsrcAttribute[] = lazy();
  ssrcGroups: SsrcGroup[] = [];
  rids: Rid[] = [];
  simulcast: Simulcast | undefined = undefined;
  sctpPort: number | undefined = undefined;
  maxMessageSize: number | undefined = undefined;
  ptime: number | undefined = undefined;
  maxptime: number | undefined = undefined;
  candidates: Candidate[] = lazy();
  endOfCandidates = false;
  bundleOnly = false;
  attributes: Attribute[] = lazy();
  otherLines: SdpLine[] = [];
  [LAYOUT]: Layout | undefined = undefined;

  [INSPECT](): object {
    return inspectable.call(this);
  }
}

class ParsedSessionDescription implements SessionDescription {
  version = 0;
  origin: Origin = {
    username: "",
    sessionId: "",
    sessionVersion: "",
    netType: "",
    addressType: "",
    address: "",
  };
  sessionName = "";
  connection: Connection | undefined = undefined;
  bandwidths: Bandwidth[] = [];
  timing: Timing[] = [];
  groups: Group[] = [];
  iceLite = false;
  iceUfrag: string | undefined = undefined;
  icePwd: string | undefined = undefined;
  iceOptions: string[] | undefined = undefined;
  fingerprints: Fingerprint[] = [];
  setup: Setup | undefined = undefined;
  direction: Direction | undefined = undefined;
  msidSemantic: MsidSemantic | undefined = undefined;
  extmapAllowMixed = false;
  extmaps: Extmap[] = lazy();
  attributes: Attribute[] = lazy();
  otherLines: SdpLine[] = [];
  media: MediaSection[] = [];
  lineEnding: "\r\n" | "\n" = "\r\n";
  [LAYOUT]: Layout | undefined = undefined;

  [INSPECT](): object {
    return inspectable.call(this);
  }
}

/** A new media section data object (lazy lists unset). */
export function parseSection(): MediaSection {
  return new ParsedMediaSection();
}

/** A new session data object (lazy lists unset). */
export function parseSession(): SessionDescription {
  return new ParsedSessionDescription();
}
