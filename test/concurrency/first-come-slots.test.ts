import { describe, expect, it } from "vitest";
import { createSlots } from "../../src/concurrency/first-come-slots.js";

describe("createSlots", () => {
  it("hands out its places at once, then to waiters in the order they asked", async () => {
    const slots = createSlots(2);
    await slots.take();
    await slots.take();
    const order: string[] = [];
    const first = slots.take().then(() => order.push("first"));
    const second = slots.take().then(() => order.push("second"));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.give();
    await first;
    expect(order).toEqual(["first"]);
    slots.give();
    await second;
    expect(order).toEqual(["first", "second"]);
  });

  it("a place given back with nobody waiting is free again", async () => {
    const slots = createSlots(1);
    await slots.take();
    slots.give();
    let taken = false;
    void slots.take().then(() => (taken = true));
    await Promise.resolve();
    expect(taken).toBe(true);
  });

  it("refuses a count that is not a whole number of at least 1", () => {
    for (const places of [0, -1, 1.5, Number.NaN]) expect(() => createSlots(places)).toThrow(/places must be an integer of at least 1/);
  });
});
