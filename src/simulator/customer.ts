/**
 * `GET /v1/customer/{number}`: the CustomerDto keys the PIONECT SDK lists (CONTRACT §6), with
 * the nested objects the gateway may read filled and the rest null.
 */
import { COUNTRY_BY_ID, TERMS_BY_ID, VAT_ZONE_BY_ID, type DemoCustomer } from './catalogue';
import { stampToMs } from './dates';
import { jsonOfParts, timeStampOf } from './render';

/** The customer's one address, shown as its main, invoice and delivery address. */
function addressDto(customer: DemoCustomer): Record<string, unknown> {
  const country = COUNTRY_BY_ID.get(customer.countryId);
  return {
    addressId: customer.internalId * 10,
    addressLine1: customer.addressLine1,
    addressLine2: null,
    addressLine3: null,
    postalCode: customer.postalCode,
    city: customer.city,
    country: { id: customer.countryId, name: country?.name ?? null, errorInfo: null, metadata: null },
    county: null,
    errorInfo: null,
    metadata: null,
  };
}

/** The customer's one contact, shown as its main, invoice and delivery contact. */
function contactDto(customer: DemoCustomer): Record<string, unknown> {
  return {
    contactId: customer.contactId,
    name: customer.contactName,
    attention: customer.contactName,
    email: customer.email,
    web: null,
    phone1: customer.phone,
    phone2: null,
    fax: null,
    errorInfo: null,
    metadata: null,
  };
}

// The keys come in the SDK's order; customerJson joins these runs of consecutive keys.

/** From `internalId` to `creditDaysPastDue`: who the customer is and its credit. */
function identityAndCreditPart(customer: DemoCustomer): Record<string, unknown> {
  const terms = TERMS_BY_ID.get(customer.creditTermsId);
  return {
    internalId: customer.internalId,
    number: customer.number,
    name: customer.name,
    status: customer.status,
    mainAddress: addressDto(customer),
    mainContact: contactDto(customer),
    accountReference: null,
    parentRecord: null,
    customerClass: { id: 'STANDARD', description: 'Standard customers' },
    creditTerms: terms ? { id: terms.id, description: terms.description } : null,
    currencyId: customer.currencyId,
    creditVerification: 'Disabled',
    creditLimit: 0,
    creditDaysPastDue: 0,
  };
}

/** From `invoiceAddress` to `statementType`: where invoices go and how documents are sent. */
function documentDeliveryPart(customer: DemoCustomer): Record<string, unknown> {
  return {
    invoiceAddress: { ...addressDto(customer), addressId: customer.internalId * 10 + 1 },
    invoiceContact: contactDto(customer),
    printInvoices: false,
    acceptAutoInvoices: false,
    sendInvoicesByEmail: true,
    sendDunningLettersViaEmail: true,
    printDunningLetters: false,
    printStatements: false,
    sendStatementsByEmail: false,
    printMultiCurrencyStatements: false,
    statementType: 'OpenItem',
  };
}

/** From `deliveryAddress` to `metadata`: delivery, registration numbers, VAT zone, payment and audit. */
function registrationAndAuditPart(customer: DemoCustomer, index: number): Record<string, unknown> {
  const zone = VAT_ZONE_BY_ID.get(customer.vatZoneId);
  const norwegian = customer.countryId === 'NO';
  return {
    deliveryAddress: addressDto(customer),
    deliveryContact: contactDto(customer),
    vatRegistrationId: norwegian ? `NO${900000000 + index}MVA` : null,
    corporateId: norwegian ? String(900000000 + index) : null,
    gln: null,
    vatZone: zone ? { id: zone.id, description: zone.description, defaultVatCategory: null } : null,
    location: { id: 'MAIN', name: 'Primary location' },
    attributes: [],
    lastModifiedDateTime: customer.lastModifiedDateTime,
    createdDateTime: customer.createdDateTime,
    directDebitLines: [],
    priceClass: null,
    glAccounts: null,
    invoiceToDefaultLocation: true,
    eInvoiceContract: null,
    paymentMethods: [],
    defaultPaymentMethodId: 'BANK',
    numberOfEmployees: null,
    excludeDebtCollection: false,
    timeStamp: timeStampOf(BigInt(stampToMs(customer.lastModifiedDateTime))),
    errorInfo: null,
    metadata: null,
  };
}

/** `index` is the customer's position in the catalogue; it numbers the Norwegian registration ids. */
export function customerJson(customer: DemoCustomer, index: number): string {
  return jsonOfParts([identityAndCreditPart(customer), documentDeliveryPart(customer), registrationAndAuditPart(customer, index)]);
}
