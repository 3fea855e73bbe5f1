import { loadConfig, type Config, type Environment } from '../../../src/config';
import { createLogger, type Logger } from '../../../src/logger';
import { createServer, type ListeningServer } from '../../../src/server/create-server';
import { SimulatorControlClient } from '../../../src/simulator/control-client';
import { DEMO_CLIENT, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator/index';
import { CachingVismaApi } from '../../../src/upstream-cache';
import { createVismaClient, type VismaClient, type VismaClientConfig } from '../../../src/visma';
import type { CounterSnapshot } from '../../../src/simulator/index';

export interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  };
}

export interface Upstream {
  simulator: RunningSimulator;
  config: Config;
  logger: Logger;
  /** Every log line, parsed, in order. */
  logs: Array<Record<string, unknown>>;
  /** The client settings src/main.ts derives from the config, with short retry pauses so failing tests stay fast. */
  clientConfig: VismaClientConfig & { auth: { mode: 'client_credentials'; scopes: readonly string[] } };
}

/**
 * What every in-process harness starts with: a simulator on 127.0.0.1:0, the gateway's config
 * pointed at it with the demo credentials (inbound authentication off: it has its own suites,
 * test/integration/security*.test.ts), a captured debug log, and the Visma client settings.
 */
export async function startUpstream(
  options: { simulator?: SimulatorOptions; env?: Environment; clientSecret?: string } = {},
): Promise<Upstream> {
  const simulator = await startSimulator({ port: 0, ...options.simulator });
  const config = loadConfig({
    NODE_ENV: 'test',
    VISMA_API_URL: simulator.url,
    VISMA_TOKEN_URL: `${simulator.url}/connect/token`,
    VISMA_CLIENT_ID: DEMO_CLIENT.clientId,
    VISMA_CLIENT_SECRET: options.clientSecret ?? DEMO_CLIENT.clientSecret,
    VISMA_TENANT_ID: DEMO_CLIENT.tenantId,
    AUTH_REQUIRED: 'false',
    ...options.env,
  });
  const credentials = config.visma.credentials;
  if (credentials === null) {
    throw new Error('the harness needs client credentials');
  }
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const clientConfig = {
    baseUrl: config.visma.apiUrl,
    auth: { mode: 'client_credentials' as const, tokenUrl: config.visma.tokenUrl, ...credentials, scopes: config.visma.scopes },
    timeZone: config.visma.timeZone,
    attemptTimeoutMs: config.visma.attemptTimeoutMs,
    deadlineMs: config.requestDeadlineMs,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
  };
  return { simulator, config, logger, logs, clientConfig };
}

export interface HarnessOptions {
  simulator?: SimulatorOptions;
  /** Gateway environment on top of the harness's (the simulator's URLs and demo credentials). */
  env?: Environment;
  /** Client overrides the gateway environment does not cover. */
  clientSecret?: string;
  scopes?: readonly string[];
  /**
   * Put the upstream cache between the client and the server as src/main.ts does, with the
   * CACHE_* settings of `env`. Off by default, so suites that count Visma calls count real ones.
   */
  upstreamCache?: boolean;
}

/**
 * A real simulator and a real gateway (real VismaClient, createServer, HTTP on 127.0.0.1:0),
 * as `npm start` wires them, except that both run in this process. Every response is checked
 * for leaked wire-format keys before a test sees it.
 */
export class GatewayHarness {
  private constructor(
    readonly simulator: RunningSimulator,
    readonly control: SimulatorControlClient,
    readonly visma: VismaClient,
    private readonly gateway: ListeningServer,
    readonly logs: Array<Record<string, unknown>>,
    private readonly upstream?: CachingVismaApi,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<GatewayHarness> {
    const { simulator, config, logger, logs, clientConfig } = await startUpstream(options);
    const visma = createVismaClient({
      ...clientConfig,
      auth: { ...clientConfig.auth, scopes: options.scopes ?? clientConfig.auth.scopes },
    });
    const upstream =
      options.upstreamCache === true
        ? new CachingVismaApi(visma, {
            ...config.upstreamCache,
            auth: { mode: 'client_credentials', identity: clientConfig.auth.tenantId },
          })
        : undefined;
    const server = await createServer({ config, visma: upstream ?? visma, logger });
    const listening = await server.listen(0, '127.0.0.1');
    return new GatewayHarness(simulator, new SimulatorControlClient(simulator.url), visma, listening, logs, upstream);
  }

  get url(): string {
    return this.gateway.url;
  }

  async post(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
    const response = await fetch(this.gateway.url, {
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

  async stop(): Promise<void> {
    await this.gateway.close();
    this.upstream?.close();
    this.visma.close();
    await this.simulator.close();
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
  referenceNumber documentType status hold version
  customer { number name } childCustomer { number name }
  documentDate documentDueDate origInvoiceDate cashDiscountDate startDate endDate dunningLetterDate dunningLetterLevel
  postPeriod financialPeriod closedFinancialPeriod currencyId exchangeRate
  amount amountInCurrency balance balanceInCurrency cashDiscount cashDiscountInCurrency detailTotal detailTotalInCurrency
  discountTotal discountTotalInCurrency vatTaxableTotal vatTaxableTotalInCurrency vatExemptTotal vatExemptTotalInCurrency
  vatTotal vatTotalInCurrency roundingDiff
  invoiceText note externalReference paymentReference customerRefNumber customerProject accountingCostRef originatorDocRef
  contractDocRef cashAccount
  creditTerms { id description } paymentMethod { id description } customerVatZone { id description } salesPerson { id description }
  legacySalesPersonId legacySalesPersonDescription
  location { id name countryId } branch { number name } project { internalId id description }
  account { number description type active externalCode1 externalCode2 }
  subaccount { number id description active lastModifiedDateTime segments { segmentId description segmentValue segmentValueDescription } }
  contact { id name }
  invoiceAddress { addressId line1 line2 line3 postalCode city country { id name } county { id name } overridden }
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
    lineNumber lineType inventoryNumber description quantity uom unitPrice unitPriceInCurrency manualAmount manualAmountInCurrency
    amount amountInCurrency cost discountPercent discountAmount discountAmountInCurrency manualDiscount discountCode
    account { number type } subaccount { number segments { segmentId segmentValue } } vatCode { id description }
    branch { number name } projectTask { internalId id description } seller { id description } salesperson itemType
    typeOfWork { rutRotType description xmlTag } isRotRutDeductible deductibleAmount startDate endDate termStartDate termEndDate
    deferralSchedule deferralCode salesOrderShipmentNumber salesOrderType salesOrderNumber note externalLink
    attachments { id name revision }
  }
`;
