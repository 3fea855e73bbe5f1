import type { BodySink } from './http';
import { JsonArraySplitter } from './json-array';
import { InvoicePageBuilder } from './mapping';
import type { InvoicePage } from './model';

/** What a list page's body came to, read as it arrived (`invoicePageSink`). */
export type ListPageRead =
  /** A JSON array, every item parsed and read (an unreadable one carried in the page). */
  | { kind: 'page'; page: InvoicePage }
  /** A body that is not JSON: an element that does not parse, broken nesting, text after the array, cut short. */
  | { kind: 'not-json' }
  /** Reading an item failed other than as a protocol error (a bug): the error, to be thrown as the text path would. */
  | { kind: 'failed'; error: unknown };

/**
 * A page of GET /v1/customerinvoice read invoice by invoice as its bytes arrive: each element of
 * the top-level array is split off (`JsonArraySplitter`), parsed and mapped, then dropped, so a
 * page of 1000 is never held whole as text or as wire objects (bench/README.md, "Levers": the
 * read path). A body that is not an array at all (a wrapped list, an object, an empty body) is
 * kept and given back as text, for the whole-body path and its errors.
 */
export function invoicePageSink(timeZone: string): BodySink {
  const page = new InvoicePageBuilder(timeZone);
  let index = 0;
  let notJson = false;
  let failure: { error: unknown } | undefined;
  const splitter = new JsonArraySplitter((text) => {
    if (notJson) return;
    let item: unknown;
    try {
      item = JSON.parse(text);
    } catch {
      notJson = true;
      return;
    }
    page.add(item, index);
    index += 1;
  });
  // The chunks before the splitter knows what the body is, and all of them when it is no array.
  let held: Buffer[] | null = [];
  let heldBytes = 0;
  return {
    write(chunk) {
      if (notJson || failure !== undefined) return;
      if (held !== null) {
        held.push(chunk);
        heldBytes += chunk.length;
      }
      try {
        splitter.write(chunk);
      } catch (error) {
        failure = { error };
      }
      // Kept no longer once it is known to be an array, not JSON, or failed.
      if (notJson || failure !== undefined || (splitter.state !== 'undecided' && splitter.state !== 'not-array')) {
        held = null;
        heldBytes = 0;
      }
    },
    get held() {
      return heldBytes + splitter.held;
    },
    end() {
      const read = (value: ListPageRead): { value: ListPageRead } => ({ value });
      if (failure !== undefined) return read({ kind: 'failed', error: failure.error });
      if (notJson) return read({ kind: 'not-json' });
      const verdict = splitter.end();
      if (verdict === 'not-array') return { text: Buffer.concat(held ?? []).toString('utf8') };
      if (verdict === 'broken') return read({ kind: 'not-json' });
      return read({ kind: 'page', page: page.build() });
    },
  };
}
