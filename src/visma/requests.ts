import { VismaInputError } from './errors';
import { draftToWire, listQueryString, patchToWire } from './mapping';
import type { InvoiceDraft, InvoiceListQuery, InvoicePatch } from './model';

/**
 * The HTTP requests of Visma's calls as the client sends them, built without sending: the client
 * sends exactly these, and a dry run (src/invoices/write-plan.ts) describes exactly these, so the
 * two cannot drift. Pure functions; they throw the same `VismaInputError` a real call would.
 */
export interface VismaRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path with its segments already encoded, e.g. `/v1/customerinvoice/000123`. */
  path: string;
  /** The path's template, e.g. `/v1/customerinvoice/{referenceNumber}`: what events name. */
  route: string;
  /** The query string with its `?`, when there is one. */
  query?: string;
  /** The JSON body in Visma's wire format (`{ "value": x }` wrappers). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** POST /v2/customerinvoice: the draft in Visma's wire format. */
export function createInvoiceRequest(draft: InvoiceDraft): VismaRequest {
  return { method: 'POST', path: '/v2/customerinvoice', route: '/v2/customerinvoice', body: draftToWire(draft) };
}

/** PUT /v1/customerinvoice/{referenceNumber}: only what the patch names, with If-Match when a version is expected. */
export function updateInvoiceRequest(referenceNumber: string, patch: InvoicePatch, ifMatch: string | undefined): VismaRequest {
  return {
    method: 'PUT',
    path: invoicePath(referenceNumber),
    route: '/v1/customerinvoice/{referenceNumber}',
    body: patchToWire(patch),
    headers: ifMatchHeader(ifMatch),
  };
}

/** POST /v1/customerinvoice/{referenceNumber}/action/release, with If-Match when a version is expected. */
export function releaseInvoiceRequest(referenceNumber: string, ifMatch: string | undefined): VismaRequest {
  return {
    method: 'POST',
    path: `${invoicePath(referenceNumber)}/action/release`,
    route: '/v1/customerinvoice/{referenceNumber}/action/release',
    // ONIT sends an empty object; an empty JSON body is what ASP.NET binds most reliably.
    body: {},
    headers: ifMatchHeader(ifMatch),
  };
}

/** GET /v1/customerinvoice/{referenceNumber}. */
export function getInvoiceRequest(referenceNumber: string): VismaRequest {
  return { method: 'GET', path: invoicePath(referenceNumber), route: '/v1/customerinvoice/{referenceNumber}' };
}

/** GET /v1/customerinvoice with the list's filter and page as Visma's query parameters. */
export function listInvoicesRequest(query: InvoiceListQuery, timeZone: string): VismaRequest {
  return { method: 'GET', path: '/v1/customerinvoice', route: '/v1/customerinvoice', query: listQueryString(query, timeZone) };
}

function invoicePath(referenceNumber: string): string {
  return `/v1/customerinvoice/${pathSegment(referenceNumber, 'referenceNumber')}`;
}

export function pathSegment(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new VismaInputError(`${field} must be a non-empty string other than "." and ".."; received ${JSON.stringify(value)}.`, field);
  }
  // encodeURIComponent throws a URIError on a lone UTF-16 surrogate, which JSON input can carry ("\ud800").
  if (/\p{Surrogate}/u.test(value)) {
    throw new VismaInputError(`${field} must be well-formed Unicode text; received one with a lone surrogate.`, field);
  }
  return encodeURIComponent(value);
}

/** `If-Match` as a quoted entity tag (RFC 9110 8.8.3); a version that is already quoted is sent as is. */
export function ifMatchHeader(ifMatch: string | undefined): Record<string, string> {
  if (ifMatch === undefined) return {};
  if (/^(W\/)?"[\x21\x23-\x7e]*"$/.test(ifMatch)) return { 'If-Match': ifMatch };
  if (!/^[\x21\x23-\x7e]+$/.test(ifMatch)) {
    throw new VismaInputError('ifMatch must be a version as returned by Visma (printable, no quotes or spaces).', 'ifMatch');
  }
  return { 'If-Match': `"${ifMatch}"` };
}
