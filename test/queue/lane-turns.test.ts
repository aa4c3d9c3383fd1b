import { describe, expect, it } from "vitest";
import { createLaneTurns } from "../../src/queue/lane-turns.js";

describe("lane turns", () => {
  it("takes priority jobs first, at most `streak` in a row while ordinary ones wait", () => {
    const next = createLaneTurns(2);
    const priority = ["p1", "p2", "p3", "p4", "p5"];
    const ordinary = ["o1", "o2"];
    const order = Array.from({ length: 8 }, () => next(priority, ordinary));
    expect(order).toEqual(["p1", "p2", "o1", "p3", "p4", "o2", "p5", undefined]);
  });

  it("keeps taking priority jobs when no ordinary one waits, and yields to one as soon as it comes", () => {
    const next = createLaneTurns(2);
    const priority = ["p1", "p2", "p3", "p4"];
    const ordinary: string[] = [];
    expect([next(priority, ordinary), next(priority, ordinary), next(priority, ordinary)]).toEqual(["p1", "p2", "p3"]);
    ordinary.push("o1");
    expect([next(priority, ordinary), next(priority, ordinary)]).toEqual(["o1", "p4"]);
  });

  it("takes ordinary jobs when the priority lane is empty", () => {
    const next = createLaneTurns();
    expect([next([], ["o1", "o2"])]).toEqual(["o1"]);
  });
});
