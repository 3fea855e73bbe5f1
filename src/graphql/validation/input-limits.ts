/**
 * Longest text the gateway forwards, per input field. Visma publishes no lengths (its spec has
 * no maxLength, CONTRACT §2); the one it states in prose is the line description's 30
 * characters (§2.1). The others are conservative limits of this gateway, so a client learns
 * about an absurd value with a field path instead of an opaque upstream error. Visma stays the
 * authority: what it refuses comes back as BAD_USER_INPUT with its own message.
 */
export const TEXT_LIMITS = Object.freeze({
  referenceNumber: 15,
  customerNumber: 30,
  childCustomerNumber: 30,
  invoiceText: 150,
  note: 4000,
  externalReference: 40,
  paymentReference: 40,
  customerRefNumber: 40,
  customerProject: 40,
  accountingCostRef: 40,
  originatorDocRef: 40,
  contractDocRef: 40,
  currencyId: 5,
  creditTermsId: 10,
  paymentMethodId: 10,
  customerVatZoneId: 10,
  locationId: 30,
  branchNumber: 30,
  projectId: 30,
  salesperson: 30,
  cashAccount: 30,
  /** Visma's spec: "may contain up to 30 characters" (CONTRACT §2.1). */
  lineDescription: 30,
  inventoryNumber: 30,
  uom: 6,
  accountNumber: 10,
  vatCodeId: 10,
  discountCode: 10,
  projectTaskId: 30,
  deferralCode: 10,
  segmentValue: 30,
  addressLine: 50,
  postalCode: 20,
  city: 50,
  countryId: 2,
  county: 50,
  contactName: 255,
  email: 255,
  phone: 50,
});
