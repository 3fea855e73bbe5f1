/**
 * Visma compares date-time filters against its own zone-less, company-local times (CONTRACT
 * §8.3), so an instant from a client is turned into the wall-clock time it was in the
 * company's zone. Seconds are the finest unit sent; fractions are dropped.
 */
export function toCompanyLocalDateTime(instant: string, timeZone: string): string {
  const epochMs = Date.parse(instant);
  if (Number.isNaN(epochMs)) {
    throw new RangeError(`Not an instant: ${JSON.stringify(instant)}.`);
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const year = part('year').padStart(4, '0');
  return `${year}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}`;
}
