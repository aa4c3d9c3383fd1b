/**
 * At most this many priority jobs start in a row while ordinary jobs wait: a flood of priority
 * work (many accounts' fair shares, bursts of Run now and Send test) slows the ordinary lane to
 * one slot in PRIORITY_STREAK + 1 rather than stopping it.
 */
export const PRIORITY_STREAK = 4;

/**
 * Which lane a free consumer slot takes its next job from, for both queues (RabbitMQ's and the
 * in-process one): the priority lane first, but after `streak` priority starts in a row a
 * waiting ordinary job goes next.
 */
export function createLaneTurns(streak: number = PRIORITY_STREAK): <T>(priority: T[], ordinary: T[]) => T | undefined {
  let inARow = 0;
  return (priority, ordinary) => {
    if (priority.length > 0 && (inARow < streak || ordinary.length === 0)) {
      inARow++;
      return priority.shift();
    }
    inARow = 0;
    return ordinary.shift();
  };
}
