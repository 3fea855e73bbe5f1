/**
 * Test and benchmark controls under /_simulator/… — kept apart from the Visma routes, never
 * rate limited or counted, and without authentication (the simulator binds to loopback).
 */
import type { IncomingMessage } from 'node:http';
import { type Company } from './company';
import { dateToMs } from './dates';
import { empty, json, readBody, type Reply } from './http';
import { recompute } from './invoice';
import { INVOICE_STATUS_NAMES } from './list-query';
import { etagOf } from './render';
import { mergeSettings } from './settings';

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

/**
 * Changes an invoice as if someone edited it in Visma's UI: new row version and
 * lastModifiedDateTime, no API call recorded. Throws with a message naming the bad field.
 */
export function applyExternalEdit(company: Company, referenceNumber: string, edit: unknown): { etag: string } | null {
  const invoice = company.store.get(referenceNumber);
  if (!invoice) return null;
  if (typeof edit !== 'object' || edit === null || Array.isArray(edit)) throw new Error('the edit must be a JSON object');
  const e = edit as Record<string, unknown>;
  const copy = structuredClone(invoice);
  for (const [key, value] of Object.entries(e)) {
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
      else if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(dateToMs(value))) {
        throw new Error(`${key} must be a date YYYY-MM-DD`);
      } else copy[key] = value;
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
  recompute(copy);
  Object.assign(invoice, copy);
  company.store.touch(invoice, company.localNow());
  return { etag: etagOf(invoice.version) };
}

export async function handleControl(company: Company, req: IncomingMessage, segments: string[], url: string): Promise<Reply> {
  const method = (req.method ?? 'GET').toUpperCase();
  const path = segments.map((s) => s.toLowerCase()).join('/');
  try {
    if (path === 'health' && method === 'GET') return ok({ ok: true, url, invoices: company.store.size });
    if (path === 'reset' && method === 'POST') {
      company.reset();
      return empty(204);
    }
    if (path === 'counters') {
      if (method === 'GET') return ok(company.counters.snapshot());
      if (method === 'DELETE') {
        company.counters.reset();
        return empty(204);
      }
    }
    if (path === 'faults') {
      if (method === 'GET') return ok(company.faults.list());
      if (method === 'POST') return json(201, JSON.stringify(company.faults.add(await jsonBody(req))));
      if (method === 'DELETE') {
        company.faults.clear();
        return empty(204);
      }
    }
    if (path === 'settings') {
      if (method === 'GET') return ok(company.settings);
      if (method === 'PATCH') {
        company.settings = mergeSettings(company.settings, await jsonBody(req));
        return ok(company.settings);
      }
    }
    if (path === 'tokens' && method === 'DELETE') {
      company.tokens.revokeAll();
      return empty(204);
    }
    if (path === 'clock') {
      if (method === 'GET') return ok({ nowMs: company.now(), offsetMs: company.clockOffsetMs });
      if (method === 'POST') {
        const body = (await jsonBody(req)) as Record<string, unknown>;
        if (typeof body.advanceSeconds !== 'number' || !Number.isFinite(body.advanceSeconds)) return bad('advanceSeconds must be a number');
        company.clockOffsetMs += Math.round(body.advanceSeconds * 1000);
        return ok({ nowMs: company.now(), offsetMs: company.clockOffsetMs });
      }
    }
    if (segments.length === 2 && segments[0]?.toLowerCase() === 'invoices' && method === 'PATCH') {
      const number = decodeURIComponent(segments[1] ?? '');
      const result = applyExternalEdit(company, number, await jsonBody(req));
      if (!result) return json(404, JSON.stringify({ message: `invoice ${number} not found` }));
      return ok({ referenceNumber: number, etag: result.etag });
    }
    return json(404, JSON.stringify({ message: `unknown control route ${method} /_simulator/${segments.join('/')}` }));
  } catch (error) {
    return bad(error instanceof Error ? error.message : String(error));
  }
}
