import { planPages, skipWithinPlan } from '../../../src/invoices/page-plan';

describe('planPages', () => {
  describe('one Visma call whenever one page can hold the window', () => {
    it.each([
      // offset, first, maxPageSize, pageSize, firstPage, lastPage
      [0, 50, 1000, 50, 1, 1],
      [50, 50, 1000, 50, 2, 2],
      [100, 50, 1000, 50, 3, 3],
      [30, 50, 1000, 80, 1, 1],
      [999, 2, 1000, 3, 334, 334],
      [0, 1, 1000, 1, 1, 1],
      [0, 1000, 1000, 1000, 1, 1],
      [450, 500, 1000, 950, 1, 1],
      [10, 10, 10, 10, 2, 2],
      [123, 7, 1000, 10, 13, 13],
    ])('offset %d, first %d, max %d -> pageSize %d, pages %d..%d', (offset, first, max, pageSize, firstPage, lastPage) => {
      expect(planPages(offset, first, max)).toEqual({ pageSize, firstPage, lastPage });
    });
  });

  describe('the fewest calls when no page can hold it', () => {
    it.each([
      // A window larger than Visma's cap needs at least ceil(first / max) pages.
      [0, 1500, 1000, 750, 1, 2],
      [0, 2500, 1000, 834, 1, 3],
      // 1 more row than the cap, straddling: two pages of the smallest size that covers it.
      [5, 11, 10, 8, 1, 2],
      // Two pages either way; size 5 reads exactly the 10 rows wanted instead of 20.
      [995, 10, 10, 5, 200, 201],
      [996, 10, 10, 6, 167, 168],
    ])('offset %d, first %d, max %d -> pageSize %d, pages %d..%d', (offset, first, max, pageSize, firstPage, lastPage) => {
      const plan = planPages(offset, first, max);
      expect(plan).toEqual({ pageSize, firstPage, lastPage });
    });
  });

  it('plans nothing for an empty window', () => {
    expect(planPages(40, 0, 1000)).toBeNull();
  });

  it('always covers the window with at most ceil(first / max) + 1 pages', () => {
    for (const max of [7, 10, 100]) {
      for (let offset = 0; offset < 60; offset += 1) {
        for (let first = 1; first <= 25; first += 1) {
          const plan = planPages(offset, first, max);
          if (plan === null) throw new Error('expected a plan');
          expect(plan.pageSize).toBeLessThanOrEqual(max);
          expect((plan.firstPage - 1) * plan.pageSize).toBeLessThanOrEqual(offset);
          expect(plan.lastPage * plan.pageSize).toBeGreaterThanOrEqual(offset + first);
          expect(plan.lastPage - plan.firstPage + 1).toBeLessThanOrEqual(Math.ceil(first / max) + 1);
        }
      }
    }
  });

  it.each([
    [-1, 10, 10, 'offset must be a non-negative integer; received -1.'],
    [0, 1.5, 10, 'count must be a non-negative integer; received 1.5.'],
    [0, 10, 0, 'maxPageSize must be a positive integer; received 0.'],
  ])('refuses offset %p, count %p, max %p', (offset, count, max, message) => {
    expect(() => planPages(offset, count, max)).toThrow(message);
  });

  describe('skipWithinPlan', () => {
    it('is where the window starts in the first page read', () => {
      expect(skipWithinPlan({ pageSize: 80, firstPage: 1, lastPage: 1 }, 30)).toBe(30);
      expect(skipWithinPlan({ pageSize: 3, firstPage: 334, lastPage: 334 }, 999)).toBe(0);
    });
  });
});
