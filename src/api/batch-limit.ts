/**
 * Procedures per batched request. Fixed rather than configurable: the typed client batches up to
 * the same number, so a server and its clients always agree.
 */
export const MAX_BATCH_ITEMS = 10;
