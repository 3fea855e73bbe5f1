import type { Environment } from '../../../src/config';
import type { SimulatorControlClient } from '../../../src/simulator/control-client';
import type { CounterSnapshot, RunningSimulator, SimulatorOptions } from '../../../src/simulator/index';
import type { VismaClient } from '../../../src/visma';
import { startGateway, type StartedGateway } from './start-gateway';

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  };
}

export interface HarnessOptions {
  simulator?: SimulatorOptions;
  /** Settings on top of the suites' own (start-gateway.ts), by name. */
  env?: Environment;
}

/**
 * A real simulator and the gateway as `npm start` builds it (the composition root, shipped
 * defaults, HTTP on 127.0.0.1:0), both in this process. Every response is checked for leaked
 * wire-format keys before a test sees it.
 */
export class GatewayHarness {
  private constructor(private readonly started: StartedGateway) {}

  static async start(options: HarnessOptions = {}): Promise<GatewayHarness> {
    return new GatewayHarness(await startGateway({ simulatorOptions: options.simulator, env: options.env }));
  }

  get simulator(): RunningSimulator {
    return this.started.simulator;
  }

  get control(): SimulatorControlClient {
    return this.started.control;
  }

  /** A client of the test's own, straight to the simulator: ground truth that bypasses the gateway. */
  get visma(): VismaClient {
    return this.started.visma;
  }

  get logs(): Array<Record<string, unknown>> {
    return this.started.logs;
  }

  get url(): string {
    return this.started.url;
  }

  async post(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
    const response = await fetch(this.started.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) }),
    });
    const body = (await response.json()) as GraphQLResponse['body'];
    const leaks = wireKeysIn(body);
    if (leaks.length > 0) {
      throw new Error(`the response leaks Visma wire-format keys at ${leaks.join(', ')}`);
    }
    return { status: response.status, headers: response.headers, body };
  }

  /** Upstream calls per Visma API route since the last reset; the token endpoint is left out. */
  async apiCalls(): Promise<Record<string, number>> {
    const counters: CounterSnapshot = await this.control.counters();
    return Object.fromEntries(
      Object.entries(counters)
        .filter(([template]) => !template.includes('/connect/token'))
        .map(([template, counts]) => [template, counts.total]),
    );
  }

  stop(): Promise<void> {
    return this.started.stop();
  }
}

/**
 * Paths of keys that would betray Visma's wire format: `{ "value": x }` wrappers and list
 * `metadata`. The GraphQL request's own `variables` are not part of a response.
 */
export function wireKeysIn(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => wireKeysIn(item, `${path}[${index}]`));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => [
      ...(key === 'value' || key === 'metadata' || key === 'errorInfo' ? [`${path}.${key}`] : []),
      ...wireKeysIn(item, `${path}.${key}`),
    ]);
  }
  return [];
}

/** Every field of CustomerInvoice and its nested objects, for tests that read them all. */
export const FULL_INVOICE_SELECTION = `
  id referenceNumber documentType status hold version
  customer { id number name } childCustomer { id number name }
  documentDate documentDueDate origInvoiceDate cashDiscountDate startDate endDate dunningLetterDate dunningLetterLevel
  postPeriod financialPeriod closedFinancialPeriod currencyId exchangeRate
  amount amountInCurrency balance balanceInCurrency cashDiscount cashDiscountInCurrency detailTotal detailTotalInCurrency
  discountTotal discountTotalInCurrency vatTaxableTotal vatTaxableTotalInCurrency vatExemptTotal vatExemptTotalInCurrency
  vatTotal vatTotalInCurrency roundingDiff
  invoiceText note externalReference paymentReference customerRefNumber customerProject accountingCostRef originatorDocRef
  contractDocRef cashAccount
  creditTerms { id description } paymentMethod { id description } customerVatZone { id description } salesPerson { id description }
  legacySalesPersonId legacySalesPersonDescription
  location { id code name countryId } branch { number name } project { internalId id description }
  account { number description type active externalCode1 externalCode2 }
  subaccount { number id description active lastModifiedDateTime segments { segmentId description segmentValue segmentValueDescription } }
  contact { id name }
  invoiceAddress { addressId line1 line2 line3 postalCode city country { id name } county { id code name } overridden }
  invoiceContact { contactId businessName attention email phone overridden }
  directDebitMandate { id mandateId description } debtCollection { caseNumber caseType caseStatus caseUrl }
  excludeDebtCollection sendToAutoInvoice isRotRutDeductible dontPrint dontEmail revoked createdDateTime lastModifiedDateTime
  taxDetails { taxId recordId vat { number description } vatRate taxableAmount vatAmount expenseAmount }
  attachments { id name revision }
  applications {
    documentType customerNumber referenceNumber amountPaid cashDiscountTaken balance pendingPpd released hold voided
    ppdCreditMemoReferenceNumber paymentReference status applicationDate applicationPeriod invoiceText
  }
  lines {
    id lineNumber lineType inventoryNumber description quantity uom unitPrice unitPriceInCurrency manualAmount manualAmountInCurrency
    amount amountInCurrency cost discountPercent discountAmount discountAmountInCurrency manualDiscount discountCode
    account { number type } subaccount { number segments { segmentId segmentValue } } vatCode { id description }
    branch { number name } projectTask { internalId id code description } seller { id description } salesperson itemType
    typeOfWork { rutRotType description xmlTag } isRotRutDeductible deductibleAmount startDate endDate termStartDate termEndDate
    deferralSchedule deferralCode salesOrderShipmentNumber salesOrderType salesOrderNumber note externalLink
    attachments { id name revision }
  }
`;
