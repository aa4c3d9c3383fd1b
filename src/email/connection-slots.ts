import { createSlots } from "../concurrency/first-come-slots.js";
import type { HeldMessage, MailSlot, OutgoingEmail, SendResult } from "./mail-transport.js";

/**
 * As many places as the transport has connections, handed out first come, first served. With
 * no more messages in flight than connections, nodemailer's pool never has to queue one: each
 * message it is given goes straight onto a free (or new) connection.
 */
export function createConnectionSlots(places: number, hold: (message: OutgoingEmail) => HeldMessage) {
  const slots = createSlots(places);

  async function reserve(): Promise<MailSlot> {
    await slots.take();
    let released = false;
    return {
      send: (message) => hold(message).finish(),
      hold,
      release() {
        if (released) return;
        released = true;
        slots.give();
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
