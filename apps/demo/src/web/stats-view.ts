/**
 * Live getStats() from both ends of the page ↔ bot connection: the browser's own report, polled
 * every second, and the bot's, which arrives as a summary on the "stats" channel. Charts show
 * rates computed from consecutive summaries (bitrate, RTT, messages, video frames, loss and
 * NACKs); tables show the selected pair, DTLS, SCTP and RTP totals.
 */
import type { ChannelLike } from "../shared/channel.js";
import { onMessage } from "../shared/channel.js";
import type { PcLike } from "../shared/mesh-link.js";
import { parseJson } from "../shared/protocol.js";
import { type StatsSummary, summarizeStats } from "../shared/stats-summary.js";
import { LineChart } from "./chart.js";
import { fill, formatBytes, h } from "./dom.js";

const BROWSER_OUT = "#2563eb";
const BROWSER_IN = "#16a34a";
const BOT_OUT = "#ea580c";
const BOT_IN = "#9333ea";

export type Side = "browser" | "bot";

export class StatsView {
  readonly element: HTMLElement;
  readonly #bitrate = new LineChart("Bitrate", "kbit/s", [
    { name: "browser out", color: BROWSER_OUT },
    { name: "browser in", color: BROWSER_IN },
    { name: "bot out", color: BOT_OUT, dashed: true },
    { name: "bot in", color: BOT_IN, dashed: true },
  ]);
  readonly #rtt = new LineChart("Round-trip time", "ms", [
    { name: "browser", color: BROWSER_OUT },
    { name: "bot", color: BOT_OUT, dashed: true },
  ]);
  readonly #messages = new LineChart("Data-channel messages", "msg/s", [
    { name: "browser sent", color: BROWSER_OUT },
    { name: "browser received", color: BROWSER_IN },
    { name: "bot sent", color: BOT_OUT, dashed: true },
    { name: "bot received", color: BOT_IN, dashed: true },
  ]);
  readonly #frames = new LineChart("Video frames", "frames/s", [
    { name: "browser sent", color: BROWSER_OUT },
    { name: "browser received", color: BROWSER_IN },
    { name: "bot sent", color: BOT_OUT, dashed: true },
    { name: "bot received", color: BOT_IN, dashed: true },
  ]);
  readonly #repair = new LineChart("Loss and repair", "packets/s", [
    { name: "browser lost", color: BROWSER_IN },
    { name: "browser NACKs sent", color: BROWSER_OUT },
    { name: "bot lost", color: BOT_IN, dashed: true },
    { name: "bot NACKs sent", color: BOT_OUT, dashed: true },
  ]);
  readonly #tables: Record<Side, HTMLElement>;
  readonly #last: Partial<Record<Side, StatsSummary>> = {};
  #pc: PcLike | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    this.#tables = {
      browser: h("div", {
        class: "stats-table",
        testid: "stats-browser",
        text: "waiting for a connection…",
      }),
      bot: h("div", {
        class: "stats-table",
        testid: "stats-bot",
        text: "waiting for the bot's first report…",
      }),
    };
    this.element = h(
      "div",
      { class: "stats" },
      h(
        "div",
        { class: "charts" },
        this.#bitrate.element,
        this.#rtt.element,
        this.#messages.element,
        this.#frames.element,
        this.#repair.element,
      ),
      h(
        "div",
        { class: "stats-sides" },
        h("section", {}, h("h3", { text: "This browser" }), this.#tables.browser),
        h("section", {}, h("h3", { text: "Node bot (purertc)" }), this.#tables.bot),
      ),
    );
  }

  /** Polls this connection (a new one after a reconnect). */
  watch(pc: PcLike): void {
    this.#pc = pc;
    delete this.#last.browser;
    delete this.#last.bot;
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.#poll(), 1000);
    void this.#poll();
  }

  /** The bot's feed. */
  listen(ch: ChannelLike): void {
    onMessage(ch, (data) => {
      const m = parseJson(data) as { t?: string; summary?: StatsSummary } | undefined;
      if (m?.t === "stats" && m.summary) this.#add("bot", m.summary);
    });
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #poll(): Promise<void> {
    const pc = this.#pc;
    if (!pc || pc.connectionState === "closed") return;
    try {
      const report = await pc.getStats();
      this.#add("browser", summarizeStats(report, pc.sctp, browserName()));
    } catch {
      // A closed connection has no stats; the next watch() brings a new one.
    }
  }

  #add(side: Side, s: StatsSummary): void {
    const prev = this.#last[side];
    this.#last[side] = s;
    const now = Date.now();
    const base = side === "browser" ? 0 : 2;
    if (prev && s.at > prev.at) {
      // Counters of closed channels leave the report, so a total can shrink: never below 0.
      const rate = (now_: number, before: number, scale: number) =>
        (Math.max(0, now_ - before) * scale) / ((s.at - prev.at) / 1000);
      this.#bitrate.push(base, now, rate(s.bytesSent, prev.bytesSent, 8 / 1000));
      this.#bitrate.push(base + 1, now, rate(s.bytesReceived, prev.bytesReceived, 8 / 1000));
      this.#messages.push(base, now, rate(s.messagesSent, prev.messagesSent, 1));
      this.#messages.push(base + 1, now, rate(s.messagesReceived, prev.messagesReceived, 1));
      const m = s.media;
      const p = prev.media ?? m;
      this.#frames.push(base, now, rate(m.framesSent, p.framesSent, 1));
      this.#frames.push(base + 1, now, rate(m.framesReceived, p.framesReceived, 1));
      this.#repair.push(base, now, rate(m.packetsLost, p.packetsLost, 1));
      this.#repair.push(base + 1, now, rate(m.nacksSent, p.nacksSent, 1));
    }
    if (s.rttMs !== undefined) this.#rtt.push(side === "browser" ? 0 : 1, now, s.rttMs);
    this.#render(side, s);
    this.#bitrate.draw(now);
    this.#rtt.draw(now);
    this.#messages.draw(now);
    this.#frames.draw(now);
    this.#repair.draw(now);
  }

  #render(side: Side, s: StatsSummary): void {
    const cand = (c: { type: string; address: string; port: number; protocol: string }) =>
      `${c.type} ${c.protocol} ${c.address}:${c.port}`;
    const rows: [string, string][] = [
      ["agent", s.agent],
      ["local candidate", s.pair ? cand(s.pair.local) : "—"],
      ["remote candidate", s.pair ? cand(s.pair.remote) : "—"],
      ["pair state", s.pair?.state ?? "—"],
      ["RTT", s.rttMs === undefined ? "—" : `${s.rttMs.toFixed(2)} ms`],
      ["ICE", [s.iceRole, s.iceState].filter(Boolean).join(", ") || "—"],
      ["DTLS", [s.dtls.state, s.dtls.role].filter(Boolean).join(", ") || "—"],
      [
        "DTLS cipher",
        [s.dtls.cipher, s.dtls.tlsVersion && `version ${s.dtls.tlsVersion}`]
          .filter(Boolean)
          .join(", ") || "—",
      ],
      ["SRTP cipher", s.dtls.srtpCipher ?? "— (no media yet)"],
      [
        "SCTP",
        s.sctp
          ? `${s.sctp.state}, max message ${formatBytes(s.sctp.maxMessageSize)}, ${s.sctp.maxChannels} channels`
          : "—",
      ],
      ["bytes sent / received", `${formatBytes(s.bytesSent)} / ${formatBytes(s.bytesReceived)}`],
      ["packets sent / received", `${s.packetsSent} / ${s.packetsReceived}`],
      ["messages sent / received", `${s.messagesSent} / ${s.messagesReceived}`],
      [
        "RTP streams out / in",
        s.media ? `${s.media.outboundStreams} / ${s.media.inboundStreams}` : "—",
      ],
      [
        "RTP lost · NACKs out / in · RTX",
        s.media
          ? `${s.media.packetsLost} · ${s.media.nacksSent} / ${s.media.nacksReceived} · ${s.media.retransmittedPackets}`
          : "—",
      ],
    ];
    const channels = s.channels.map((c) =>
      h(
        "tr",
        {},
        h("td", { text: c.label }),
        h("td", { text: c.state }),
        h("td", { text: `${c.messagesSent} / ${c.messagesReceived}` }),
        h("td", { text: `${formatBytes(c.bytesSent)} / ${formatBytes(c.bytesReceived)}` }),
      ),
    );
    fill(
      this.#tables[side],
      h("dl", {}, ...rows.flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])),
      h(
        "table",
        { class: "channels" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { text: "channel" }),
            h("th", { text: "state" }),
            h("th", { text: "msgs out / in" }),
            h("th", { text: "bytes out / in" }),
          ),
        ),
        h("tbody", {}, ...channels),
      ),
    );
  }
}

function browserName(): string {
  const m = /(Firefox|Chrome|Chromium|Safari)\/(\d+)/.exec(navigator.userAgent);
  return m ? `${m[1]} ${m[2]}` : "this browser";
}
