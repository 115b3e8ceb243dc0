/**
 * Video in the room mesh: "share my camera" sends this tab's camera to every other tab over
 * the pair's own connection (the mesh's media half), and each member's video shows as a tile.
 * A pair rebuilt with P2P forced to fail has no media path; its tile says so.
 */
import type { PcLike } from "../shared/mesh-link.js";
import type { Member } from "../shared/room-session.js";
import { errorText, fill, h } from "./dom.js";
import { VideoMeter } from "./video-meter.js";

interface Tile {
  readonly element: HTMLElement;
  readonly video: HTMLVideoElement;
  readonly meter: VideoMeter;
  readonly note: HTMLElement;
}

export class RoomVideo {
  readonly element: HTMLElement;
  readonly #button = h("button", { testid: "room-camera", attrs: { type: "button" } });
  readonly #status = h("p", { class: "small muted", testid: "room-camera-status" });
  readonly #grid = h("div", { class: "tiles", testid: "room-tiles" });
  readonly #tiles = new Map<string, Tile>();
  /** The connection each member's tracks were added to, and the senders there. */
  readonly #sentOn = new Map<string, { pc: PcLike; senders: RTCRtpSender[] }>();
  readonly #listening = new WeakSet<object>();
  #camera: MediaStream | undefined;
  #sharing = false;
  #members: Member<PcLike>[] = [];

  constructor() {
    this.#button.addEventListener("click", () => void this.#toggle());
    this.element = h(
      "div",
      { class: "room-video" },
      h("div", { class: "media-actions" }, this.#button, this.#status),
      this.#grid,
    );
    this.#label();
  }

  /** Membership or a route changed: tiles follow the members, the camera follows new links. */
  sync(members: readonly Member<PcLike>[]): void {
    this.#members = members.filter((m) => m.kind === "tab");
    const ids = new Set(this.#members.map((m) => m.peerId));
    for (const [id, tile] of this.#tiles)
      if (!ids.has(id)) {
        tile.element.remove();
        this.#tiles.delete(id);
        this.#sentOn.delete(id);
      }
    for (const m of this.#members) {
      const tile = this.#tile(m);
      if (!this.#listening.has(m.link)) {
        this.#listening.add(m.link);
        m.link.addEventListener("track", ((ev: RTCTrackEvent) => this.#track(m, ev)) as never);
      }
      tile.note.textContent =
        m.link.route === "relay"
          ? "no peer-to-peer path: video needs one (chat is relayed)"
          : tile.video.srcObject
            ? ""
            : "no video: this member has not shared a camera";
      if (this.#sharing) this.#send(m);
    }
  }

  /** Leaving the room: stop the camera and clear the tiles. */
  clear(): void {
    for (const t of this.#camera?.getTracks() ?? []) t.stop();
    this.#camera = undefined;
    this.#sharing = false;
    this.#sentOn.clear();
    this.#tiles.clear();
    fill(this.#grid);
    this.#label();
  }

  async #toggle(): Promise<void> {
    try {
      if (!this.#sharing) {
        this.#camera ??= await navigator.mediaDevices.getUserMedia({
          video: { width: 320, height: 240 },
          audio: false,
        });
      }
      this.#sharing = !this.#sharing;
      for (const { senders } of this.#sentOn.values())
        for (const s of senders)
          await s.replaceTrack(this.#sharing ? (this.#camera?.getVideoTracks()[0] ?? null) : null);
      if (this.#sharing) for (const m of this.#members) this.#send(m);
      this.#status.textContent = this.#sharing
        ? `sending your camera to ${this.#members.length} tab(s), one connection each`
        : "camera off";
    } catch (e) {
      this.#status.textContent = `the camera could not start: ${errorText(e)}`;
    }
    this.#label();
  }

  /** Adds the camera to the member's current connection (once per connection). */
  #send(m: Member<PcLike>): void {
    const pc = m.link.pc;
    if (!this.#camera || this.#sentOn.get(m.peerId)?.pc === pc || pc.connectionState === "closed")
      return;
    const real = pc as unknown as RTCPeerConnection;
    const senders = this.#camera
      .getVideoTracks()
      .map((t) => real.addTrack(t, this.#camera as MediaStream));
    this.#sentOn.set(m.peerId, { pc, senders });
  }

  #track(m: Member<PcLike>, ev: RTCTrackEvent): void {
    const tile = this.#tile(m);
    const stream = ev.streams[0] ?? new MediaStream([ev.track]);
    tile.video.srcObject = stream;
    tile.note.textContent = "";
    void tile.video.play().catch(() => undefined);
    tile.meter.watch(ev.receiver, ev.track.kind);
  }

  #tile(m: Member<PcLike>): Tile {
    let tile = this.#tiles.get(m.peerId);
    if (tile) return tile;
    const video = h("video", { attrs: { autoplay: "", playsinline: "" } });
    video.muted = true;
    const meter = new VideoMeter(video);
    const note = h("p", { class: "small muted" });
    const element = h(
      "figure",
      { class: "video tile", testid: "room-tile" },
      video,
      h("figcaption", { class: "small", text: m.name }),
      meter.element,
      note,
    );
    element.dataset.name = m.name;
    tile = { element, video, meter, note };
    this.#tiles.set(m.peerId, tile);
    this.#grid.append(element);
    return tile;
  }

  #label(): void {
    this.#button.textContent = this.#sharing ? "Stop my camera" : "Share my camera";
  }
}
