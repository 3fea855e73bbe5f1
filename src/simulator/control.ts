/**
 * Test and benchmark controls under /_simulator/… — kept apart from the Visma routes, never
 * rate limited or counted, and without authentication (the simulator binds to loopback).
 */
import type { IncomingMessage } from 'node:http';
import { type Company } from './company';
import { dateToMs } from './dates';
import { empty, json, readBody, type Reply } from './http';
import { recompute, type InvoiceRecord } from './invoice';
import { INVOICE_STATUS_NAMES } from './list-query';
import { etagOf } from './render';
import { mergeSettings } from './settings';
import { checkSubscription, describeSubscription } from './webhooks';

const bad = (message: string): Reply => json(400, JSON.stringify({ message }));
const ok = (value: unknown): Reply => json(200, JSON.stringify(value));

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, 1024 * 1024)).toString('utf8');
  return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
}

/** Fields an external edit ("a Visma user changed it") may set, as plain JSON values. */
const EXTERNAL_TEXT_FIELDS = [
  'invoiceText',
  'note',
  'externalReference',
  'paymentReference',
  'customerRefNumber',
  'customerProject',
] as const;

export interface ExternalEdit {
  invoiceText?: string | null;
  note?: string | null;
  externalReference?: string | null;
  paymentReference?: string | null;
  customerRefNumber?: string | null;
  customerProject?: string | null;
  status?: string;
  documentDueDate?: string;
  dunningLevel?: number | null;
  dunningLetterDate?: string | null;
}

function isDay(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(dateToMs(value));
}

/** Sets one field of an external edit on the copy; throws with a message naming the bad field. */
function applyEditField(copy: InvoiceRecord, key: string, value: unknown): void {
  if ((EXTERNAL_TEXT_FIELDS as readonly string[]).includes(key)) {
    if (value !== null && typeof value !== 'string') throw new Error(`${key} must be a string or null`);
    (copy as unknown as Record<string, unknown>)[key] = value === '' ? null : value;
  } else if (key === 'status') {
    if (typeof value !== 'string' || !(INVOICE_STATUS_NAMES as readonly string[]).includes(value)) {
      throw new Error(`status must be one of ${INVOICE_STATUS_NAMES.join(', ')}`);
    }
    copy.status = value as typeof copy.status;
  } else if (key === 'documentDueDate' || key === 'dunningLetterDate') {
    if (key === 'dunningLetterDate' && value === null) copy.dunningLetterDate = null;
    else if (!isDay(value)) throw new Error(`${key} must be a date YYYY-MM-DD`);
    else copy[key] = value;
  } else if (key === 'dunningLevel') {
    if (value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < 0))
      throw new Error('dunningLevel must be a non-negative integer or null');
    copy.dunningLevel = value;
  } else {
    throw new Error(
      `unknown field ${JSON.stringify(key)}; allowed: ${[...EXTERNAL_TEXT_FIELDS, 'status', 'documentDueDate', 'dunningLevel', 'dunningLetterDate'].join(', ')}`,
    );
  }
}

/**
 * Changes an invoice as if someone edited it in Visma's UI: new row version and
 * lastModifiedDateTime, a webhook event (Status Changed when the status changed, else Changed), no
 * API call recorded. Throws with a message naming the bad field.
 */
export function applyExternalEdit(company: Company, referenceNumber: string, edit: unknown): { etag: string } | null {
  const invoice = company.store.get(referenceNumber);
  if (!invoice) return null;
  if (typeof edit !== 'object' || edit === null || Array.isArray(edit)) throw new Error('the edit must be a JSON object');
  const copy = structuredClone(invoice);
  for (const [key, value] of Object.entries(edit as Record<string, unknown>)) applyEditField(copy, key, value);
  recompute(copy);
  const statusChanged = copy.status !== invoice.status;
  Object.assign(invoice, copy);
  company.store.touch(invoice, company.localNow());
  company.webhooks.emit(referenceNumber, statusChanged ? 'Status Changed' : 'Changed');
  return { etag: etagOf(invoice.version) };
}

type ControlHandler = (company: Company, req: IncomingMessage, url: string) => Reply | Promise<Reply>;

function clockState(company: Company): Reply {
  return ok({ nowMs: company.now(), offsetMs: company.clockOffsetMs });
}

async function advanceClock(company: Company, req: IncomingMessage): Promise<Reply> {
  const body = (await jsonBody(req)) as Record<string, unknown>;
  if (typeof body.advanceSeconds !== 'number' || !Number.isFinite(body.advanceSeconds)) return bad('advanceSeconds must be a number');
  company.clockOffsetMs += Math.round(body.advanceSeconds * 1000);
  return clockState(company);
}

/** The control routes by method and lower-cased path under /_simulator. */
const CONTROL_ROUTES: ReadonlyMap<string, ControlHandler> = new Map(
  Object.entries<ControlHandler>({
    'GET health': (company, _req, url) => ok({ ok: true, url, invoices: company.store.size }),
    'POST reset': (company) => {
      company.reset();
      return empty(204);
    },
    'GET counters': (company) => ok(company.counters.snapshot()),
    'DELETE counters': (company) => {
      company.counters.reset();
      return empty(204);
    },
    'GET faults': (company) => ok(company.faults.list()),
    'POST faults': async (company, req) => json(201, JSON.stringify(company.faults.add(await jsonBody(req)))),
    'DELETE faults': (company) => {
      company.faults.clear();
      return empty(204);
    },
    'GET settings': (company) => ok(company.settings),
    'PATCH settings': async (company, req) => {
      company.settings = mergeSettings(company.settings, await jsonBody(req));
      return ok(company.settings);
    },
    'DELETE tokens': (company) => {
      company.tokens.revokeAll();
      return empty(204);
    },
    'GET clock': clockState,
    'POST clock': advanceClock,
    // The webhook subscription (Visma's Developer Portal); its signing key is never shown.
    'GET webhooks': (company) =>
      ok({ subscription: describeSubscription(company.webhooks.subscription), deliveries: company.webhooks.stats() }),
    'PUT webhooks': async (company, req) => {
      company.webhooks.subscribe(checkSubscription(await jsonBody(req)));
      return ok({ subscription: describeSubscription(company.webhooks.subscription) });
    },
    'DELETE webhooks': (company) => {
      company.webhooks.subscribe(null);
      return empty(204);
    },
  }),
);

/** PATCH /_simulator/invoices/{referenceNumber}: an external edit. */
async function editInvoice(company: Company, req: IncomingMessage, encodedNumber: string): Promise<Reply> {
  const number = decodeURIComponent(encodedNumber);
  const result = applyExternalEdit(company, number, await jsonBody(req));
  if (!result) return json(404, JSON.stringify({ message: `invoice ${number} not found` }));
  return ok({ referenceNumber: number, etag: result.etag });
}

export async function handleControl(company: Company, req: IncomingMessage, segments: string[], url: string): Promise<Reply> {
  const method = (req.method ?? 'GET').toUpperCase();
  const path = segments.map((segment) => segment.toLowerCase()).join('/');
  try {
    const handler = CONTROL_ROUTES.get(`${method} ${path}`);
    if (handler) return await handler(company, req, url);
    if (segments.length === 2 && segments[0]?.toLowerCase() === 'invoices' && method === 'PATCH') {
      return await editInvoice(company, req, segments[1] ?? '');
    }
    return json(404, JSON.stringify({ message: `unknown control route ${method} /_simulator/${segments.join('/')}` }));
  } catch (error) {
    return bad(error instanceof Error ? error.message : String(error));
  }
}
