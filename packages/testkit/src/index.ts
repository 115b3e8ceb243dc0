/**
 * purertc test kit (private): a seeded, sans-IO network emulator ({@link NetSim}) with RFC 4787
 * NAT boxes, a simulated-time driver for sans-IO endpoints ({@link Driver}, {@link drive},
 * {@link pair}) and a pcap writer. Fixtures are loaded from `@purertc/testkit/node`.
 *
 * @packageDocumentation
 */
export {
  type AttachOptions,
  type DriveEndpointSpec,
  DriveError,
  DrivenEndpoint,
  type DriveOptions,
  Driver,
  type DriverOptions,
  drive,
  type LoggedEvent,
  type RunLimits,
} from "./drive.js";
export { EventQueue } from "./event-queue.js";
export type { HostAddress, HostAddressSpec } from "./hosts.js";
export {
  DEFAULT_LINK_CONDITIONS,
  DROP_REASONS,
  type DropReason,
  emptyLinkStats,
  type GilbertElliott,
  Link,
  type LinkConditions,
  type LinkStats,
  resolveLinkConditions,
} from "./link.js";
export {
  DEFAULT_NAT_CONFIG,
  type NatBehavior,
  NatBox,
  type NatConfig,
  type NatMapping,
  type NatStats,
} from "./nat.js";
export {
  type Delivery,
  NetSim,
  type NetSimOptions,
  type NetSimStats,
  type SimDatagram,
  type Tap,
  type TapRecord,
} from "./net-sim.js";
export { type Pair, type PairOptions, pair } from "./pair.js";
export {
  encodePcapHeader,
  encodePcapRecord,
  encodeUdpPacket,
  LINKTYPE_RAW,
  PCAP_MAGIC,
  PcapRecorder,
  type PcapRecorderOptions,
} from "./pcap.js";
export {
  type SimTurnRelayEvent,
  SimTurnServer,
  type SimTurnServerCore,
  type SimTurnServerEvent,
} from "./sim-turn-server.js";
export { formatTraceEntry, formatValue, type TraceEntry, TraceRing } from "./trace.js";
