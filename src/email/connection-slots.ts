import type { HeldMessage, MailSlot, OutgoingEmail, SendResult } from "./mail-transport.js";

/**
 * As many places as the transport has connections, handed out first come, first served. With
 * no more messages in flight than connections, nodemailer's pool never has to queue one: each
 * message it is given goes straight onto a free (or new) connection.
 */
export function createConnectionSlots(places: number, hold: (message: OutgoingEmail) => HeldMessage) {
  if (!Number.isInteger(places) || places < 1) throw new RangeError("places must be an integer of at least 1");
  let free = places;
  const waiting: (() => void)[] = [];

  const take = (): Promise<void> => {
    if (free > 0) {
      free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const give = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };

  async function reserve(): Promise<MailSlot> {
    await take();
    let released = false;
    return {
      send: (message) => hold(message).finish(),
      hold,
      release() {
        if (released) return;
        released = true;
        give();
      },
    };
  }

  return {
    reserve,
    async send(message: OutgoingEmail): Promise<SendResult> {
      const slot = await reserve();
      try {
        return await slot.send(message);
      } finally {
        slot.release();
      }
    },
  };
}
