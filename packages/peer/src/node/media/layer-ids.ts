/**
 * Core stream ids of simulcast layers (RFC 8853): a layer is a send or receive stream of its
 * own in the media session, numbered apart from the transceivers' ids.
 */

/** The first layer id; transceiver ids stay below it. */
export const LAYER_ID_BASE = 0x100000;
/** Layers per transceiver at most. */
export const MAX_LAYERS = 16;

/** The core stream id of layer `layer` of transceiver `transceiverId`. */
export function layerStreamId(transceiverId: number, layer: number): number {
  return LAYER_ID_BASE + transceiverId * MAX_LAYERS + layer;
}
