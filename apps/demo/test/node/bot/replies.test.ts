import { describe, expect, it } from "vitest";
import { botReply } from "../../../src/node/bot/replies.js";

const ctx = (alone: boolean) => ({ alone, stats: async () => new Map() });

describe("bot replies", () => {
  it("echoes in a 1:1 room and answers only @bot in a shared room", async () => {
    const r = botReply("hi", ctx(true));
    expect(r.kind === "text" && (await r.text())).toBe("echo: hi");
    expect(botReply("hi", ctx(false)).kind).toBe("none");
    const m = botReply("@bot hi", ctx(false));
    expect(m.kind === "text" && (await m.text())).toBe("echo: hi");
  });
  it("parses /file N within 1..1024 MB and explains bad sizes", async () => {
    expect(botReply("/file 25", ctx(true))).toEqual({ kind: "file", megabytes: 25 });
    expect(botReply("/file", ctx(true))).toEqual({ kind: "file", megabytes: 10 });
    const bad = botReply("/file 5000", ctx(true));
    expect(bad.kind === "text" && (await bad.text())).toMatch(/usage/);
  });
  it("points media commands to the Media card (media needs tracks, not chat lines)", async () => {
    const r = botReply("/echo", ctx(true));
    expect(r.kind === "text" && (await r.text())).toMatch(/Media card/);
  });
});
