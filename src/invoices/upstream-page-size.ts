/**
 * What this gateway believes Visma's `maxPageSize` for the invoice list is. Visma does not
 * publish it and caps larger requests silently; every list answer reports it in its items'
 * metadata (CONTRACT §4), so the belief starts at the usual 1000 (what ONIT and Profitbase
 * request) and follows what Visma reports. One instance lives as long as its server.
 */
export const ASSUMED_MAX_PAGE_SIZE = 1000;

export class UpstreamPageSize {
  private value: number;

  constructor(initial: number = ASSUMED_MAX_PAGE_SIZE) {
    this.value = initial;
  }

  current(): number {
    return this.value;
  }

  /** Records what Visma reported; returns true when it differs from what was believed. */
  learn(reported: number | null): boolean {
    if (reported === null || !Number.isSafeInteger(reported) || reported < 1 || reported === this.value) {
      return false;
    }
    this.value = reported;
    return true;
  }
}
