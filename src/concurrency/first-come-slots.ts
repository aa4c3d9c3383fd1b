/**
 * A fixed number of places, handed out first come, first served: `take` resolves at once while
 * one is free, otherwise when one is given back. What holds a place must give it back exactly once.
 */
export interface Slots {
  take(): Promise<void>;
  give(): void;
}

export function createSlots(places: number): Slots {
  if (!Number.isInteger(places) || places < 1) throw new RangeError("places must be an integer of at least 1");
  let free = places;
  const waiting: (() => void)[] = [];
  return {
    take() {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    give() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
