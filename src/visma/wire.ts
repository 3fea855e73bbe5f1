/**
 * Visma's wire format, as its OpenAPI slice declares it (CONTRACT §2, §3, §5, §6, §7; the
 * structure is in test/contract/visma-openapi.extract.json). Names are Visma's, typos included
 * (`deductableAmount`, `appartment`, `distributedAutomaticaly`). Nothing outside `mapping/` and
 * the HTTP code should need these types.
 *
 * Read DTOs: every key may be missing or `null` (the spec has no `required` and no `nullable`).
 * The mapping does not trust these types at run time: it reads `unknown` and also accepts
 * wrapped scalars and numeric strings.
 *
 * Several spec schemas share one shape (`creditTermsInCustomerInvoiceDto`,
 * `paymentMethodInCustomerInvoiceDto`, ... are all `{id, description}`); they share one type here.
 */

/** `date-time` in the spec; Visma sends it with or without a zone (CONTRACT §2.2). */
export type WireDateTime = string;
/** `format: byte` (base64): the ETag value. */
export type WireTimeStamp = string;

type Maybe<T> = T | null;

/**
 * The values the spec lists, or any other string: Visma may add one, and a read must not fail on
 * it. `string & {}` rather than `string` keeps the listed ones from collapsing into `string`, so
 * they still document the field and complete in an editor.
 */
type OpenEnum<Listed extends string> = Listed | (string & {});

// ---------------------------------------------------------------------------------------------
// Read side: GET /v1/customerinvoice[/{referenceNumber}]
// ---------------------------------------------------------------------------------------------

/** `MetadataDto`: on every list item; on nested objects it is an artefact (CONTRACT §8.15). */
export interface MetadataDto {
  totalCount?: Maybe<number>;
  maxPageSize?: Maybe<number>;
}

/** creditTerms, customerVatZone, paymentMethod, salesPerson, line seller, line vatCode. */
export interface IdDescriptionDto {
  id?: Maybe<string>;
  description?: Maybe<string>;
}

/** customer, childRecord, branchNumber (header and line). */
export interface NumberNameDto {
  number?: Maybe<string>;
  name?: Maybe<string>;
}

/** contact on the header: `id` is an int32 here. */
export interface ContactDto {
  id?: Maybe<number>;
  name?: Maybe<string>;
}

/** header `account` and line `account`. */
export interface AccountDto {
  type?: Maybe<OpenEnum<'Asset' | 'Liability' | 'Income' | 'Expense'>>;
  externalCode1?: Maybe<string>;
  externalCode2?: Maybe<string>;
  active?: Maybe<boolean>;
  number?: Maybe<string>;
  description?: Maybe<string>;
}

export interface SegmentDto {
  segmentId?: Maybe<number>;
  segmentDescription?: Maybe<string>;
  segmentValue?: Maybe<string>;
  segmentValueDescription?: Maybe<string>;
}

/** header and line `subaccount`; `timeStamp`, `errorInfo` and `metadata` are artefacts. */
export interface SubaccountDto {
  subaccountNumber?: Maybe<string>;
  subaccountId?: Maybe<number>;
  description?: Maybe<string>;
  lastModifiedDateTime?: Maybe<WireDateTime>;
  active?: Maybe<boolean>;
  segments?: Maybe<SegmentDto[]>;
  timeStamp?: Maybe<WireTimeStamp>;
  errorInfo?: Maybe<string>;
  metadata?: Maybe<MetadataDto>;
}

/** header `project` and line `projectTask`. */
export interface ProjectDto {
  internalId?: Maybe<number>;
  id?: Maybe<string>;
  description?: Maybe<string>;
}

export interface LocationDto {
  countryId?: Maybe<string>;
  id?: Maybe<string>;
  name?: Maybe<string>;
}

export interface CountryDto {
  id?: Maybe<string>;
  name?: Maybe<string>;
  errorInfo?: Maybe<string>;
  metadata?: Maybe<MetadataDto>;
}

export interface CountyDto {
  id?: Maybe<string>;
  name?: Maybe<string>;
}

/** `invoiceAddressInCustomerInvoiceDto`; the customer's addresses have the same shape. */
export interface AddressDto {
  addressId?: Maybe<number>;
  addressLine1?: Maybe<string>;
  addressLine2?: Maybe<string>;
  addressLine3?: Maybe<string>;
  postalCode?: Maybe<string>;
  city?: Maybe<string>;
  country?: Maybe<CountryDto>;
  county?: Maybe<CountyDto>;
  overrideAddress?: Maybe<boolean>;
}

export interface InvoiceContactDto {
  contactId?: Maybe<number>;
  businessName?: Maybe<string>;
  attention?: Maybe<string>;
  email?: Maybe<string>;
  phone1?: Maybe<string>;
  overrideContact?: Maybe<boolean>;
}

export interface AttachmentDto {
  name?: Maybe<string>;
  id?: Maybe<string>;
  revision?: Maybe<number>;
}

export interface TaxDetailDto {
  taxId?: Maybe<string>;
  recordId?: Maybe<number>;
  vatId?: Maybe<{ number?: Maybe<string>; description?: Maybe<string> }>;
  vatRate?: Maybe<number>;
  taxableAmount?: Maybe<number>;
  vatAmount?: Maybe<number>;
  expenseAmount?: Maybe<number>;
}

/** `ArAdjustDto`: a payment or credit applied to the invoice. */
export interface ArAdjustDto {
  docType?: Maybe<string>;
  customerCD?: Maybe<string>;
  refNbr?: Maybe<string>;
  amountPaid?: Maybe<number>;
  cashDiscountTaken?: Maybe<number>;
  balance?: Maybe<number>;
  pendingPPD?: Maybe<boolean>;
  released?: Maybe<boolean>;
  hold?: Maybe<boolean>;
  voided?: Maybe<boolean>;
  ppdCrMemoRefNbr?: Maybe<string>;
  paymentRef?: Maybe<string>;
  status?: Maybe<string>;
  applicationDate?: Maybe<WireDateTime>;
  applicationPeriod?: Maybe<string>;
  invoiceText?: Maybe<string>;
}

export interface DirectDebitMandateDto {
  id?: Maybe<string>;
  mandateId?: Maybe<string>;
  mandateDescription?: Maybe<string>;
}

export interface DebtCollectionDto {
  caseNumber?: Maybe<string>;
  caseType?: Maybe<string>;
  caseStatus?: Maybe<string>;
  caseUrl?: Maybe<string>;
}

export interface WorkTypeDto {
  rutRotType?: Maybe<OpenEnum<'Rut' | 'Rot'>>;
  description?: Maybe<string>;
  xmlTag?: Maybe<string>;
}

/** `CustomerInvoiceLineDto`: 41 properties (CONTRACT §2.1). */
export interface CustomerInvoiceLineDto {
  termStartDate?: Maybe<WireDateTime>;
  termEndDate?: Maybe<WireDateTime>;
  isRotRutDeductible?: Maybe<boolean>;
  itemType?: Maybe<OpenEnum<'Service' | 'MaterialCost' | 'OtherCost'>>;
  typeOfWork?: Maybe<WorkTypeDto>;
  deductableAmount?: Maybe<number>;
  attachments?: Maybe<AttachmentDto[]>;
  projectTask?: Maybe<ProjectDto>;
  lineType?: Maybe<string>;
  startDate?: Maybe<WireDateTime>;
  endDate?: Maybe<WireDateTime>;
  soShipmentNbr?: Maybe<string>;
  soOrderType?: Maybe<string>;
  soOrderNbr?: Maybe<string>;
  lineNumber?: Maybe<number>;
  inventoryNumber?: Maybe<string>;
  description?: Maybe<string>;
  quantity?: Maybe<number>;
  unitPrice?: Maybe<number>;
  unitPriceInCurrency?: Maybe<number>;
  manualAmount?: Maybe<number>;
  manualAmountInCurrency?: Maybe<number>;
  amount?: Maybe<number>;
  cost?: Maybe<number>;
  amountInCurrency?: Maybe<number>;
  account?: Maybe<AccountDto>;
  vatCode?: Maybe<IdDescriptionDto>;
  uom?: Maybe<string>;
  discountPercent?: Maybe<number>;
  discountAmount?: Maybe<number>;
  discountAmountInCurrency?: Maybe<number>;
  manualDiscount?: Maybe<boolean>;
  subaccount?: Maybe<SubaccountDto>;
  salesperson?: Maybe<string>;
  seller?: Maybe<IdDescriptionDto>;
  deferralSchedule?: Maybe<number>;
  deferralCode?: Maybe<string>;
  discountCode?: Maybe<string>;
  note?: Maybe<string>;
  branchNumber?: Maybe<NumberNameDto>;
  externalLink?: Maybe<string>;
}

/** `CustomerInvoiceDto`: 77 properties (CONTRACT §2), one element of the list response. */
export interface CustomerInvoiceDto {
  creditTerms?: Maybe<IdDescriptionDto>;
  documentDueDate?: Maybe<WireDateTime>;
  cashDiscountDate?: Maybe<WireDateTime>;
  externalReference?: Maybe<string>;
  isRotRutDeductible?: Maybe<boolean>;
  exchangeRate?: Maybe<number>;
  dunningLetterDate?: Maybe<WireDateTime>;
  dunningLetterLevel?: Maybe<number>;
  contact?: Maybe<ContactDto>;
  attachments?: Maybe<AttachmentDto[]>;
  taxDetails?: Maybe<TaxDetailDto[]>;
  invoiceLines?: Maybe<CustomerInvoiceLineDto[]>;
  sendToAutoInvoice?: Maybe<boolean>;
  roundingDiff?: Maybe<number>;
  customerVatZone?: Maybe<IdDescriptionDto>;
  startDate?: Maybe<WireDateTime>;
  endDate?: Maybe<WireDateTime>;
  accountingCostRef?: Maybe<string>;
  originatorDocRef?: Maybe<string>;
  contractDocRef?: Maybe<string>;
  childRecord?: Maybe<NumberNameDto>;
  directDebitMandate?: Maybe<DirectDebitMandateDto>;
  excludeDebtCollection?: Maybe<boolean>;
  debtCollection?: Maybe<DebtCollectionDto>;
  timeStamp?: Maybe<WireTimeStamp>;
  hold?: Maybe<boolean>;
  discountTotal?: Maybe<number>;
  discountTotalInCurrency?: Maybe<number>;
  detailTotal?: Maybe<number>;
  detailTotalInCurrency?: Maybe<number>;
  vatTaxableTotal?: Maybe<number>;
  vatTaxableTotalInCurrency?: Maybe<number>;
  vatExemptTotal?: Maybe<number>;
  vatExemptTotalInCurrency?: Maybe<number>;
  salesPersonID?: Maybe<number>;
  salesPersonDescr?: Maybe<string>;
  salesPerson?: Maybe<IdDescriptionDto>;
  paymentReference?: Maybe<string>;
  invoiceAddress?: Maybe<AddressDto>;
  invoiceContact?: Maybe<InvoiceContactDto>;
  applications?: Maybe<ArAdjustDto[]>;
  dontPrint?: Maybe<boolean>;
  dontEmail?: Maybe<boolean>;
  revoked?: Maybe<boolean>;
  customer?: Maybe<NumberNameDto>;
  documentType?: Maybe<string>;
  referenceNumber?: Maybe<string>;
  postPeriod?: Maybe<string>;
  financialPeriod?: Maybe<string>;
  closedFinancialPeriod?: Maybe<string>;
  documentDate?: Maybe<WireDateTime>;
  origInvoiceDate?: Maybe<WireDateTime>;
  status?: Maybe<string>;
  currencyId?: Maybe<string>;
  amount?: Maybe<number>;
  amountInCurrency?: Maybe<number>;
  balance?: Maybe<number>;
  balanceInCurrency?: Maybe<number>;
  cashDiscount?: Maybe<number>;
  cashDiscountInCurrency?: Maybe<number>;
  paymentMethod?: Maybe<IdDescriptionDto>;
  customerRefNumber?: Maybe<string>;
  invoiceText?: Maybe<string>;
  lastModifiedDateTime?: Maybe<WireDateTime>;
  createdDateTime?: Maybe<WireDateTime>;
  note?: Maybe<string>;
  vatTotal?: Maybe<number>;
  vatTotalInCurrency?: Maybe<number>;
  location?: Maybe<LocationDto>;
  branchNumber?: Maybe<NumberNameDto>;
  cashAccount?: Maybe<string>;
  project?: Maybe<ProjectDto>;
  account?: Maybe<AccountDto>;
  subaccount?: Maybe<SubaccountDto>;
  customerProject?: Maybe<string>;
  errorInfo?: Maybe<string>;
  metadata?: Maybe<MetadataDto>;
}

// ---------------------------------------------------------------------------------------------
// Write side: body of POST /v2/customerinvoice and PUT /v1/customerinvoice/{referenceNumber}
// ---------------------------------------------------------------------------------------------

/** Visma's `DtoValueOf…`: almost every written scalar travels as `{ "value": x }` (CONTRACT §3). */
export interface Value<T> {
  value: T;
}

export type LineOperation = 'Insert' | 'Update' | 'Delete';

/** A subaccount segment as written: bare, neither the array nor its items are wrapped. */
export interface SegmentUpdateDto {
  segmentId: number;
  segmentValue: string;
}

/** Wrapped twice: `billingAddress: { value: { addressLine1: { value } } }`. */
export interface SalesInvoiceAddressUpdateDto {
  overrideAddress?: Value<boolean>;
  addressLine1?: Value<string>;
  addressLine2?: Value<string>;
  addressLine3?: Value<string>;
  postalCode?: Value<string>;
  city?: Value<string>;
  countryId?: Value<string>;
  county?: Value<string>;
}

/** Wrapped twice, like the address. */
export interface SalesInvoiceContactUpdateDto {
  overrideContact?: Value<boolean>;
  name?: Value<string>;
  attention?: Value<string>;
  email?: Value<string>;
  phone1?: Value<string>;
}

export interface TaxDetailUpdateDto {
  taxId?: Value<string>;
  taxableAmount?: Value<number>;
  vatAmount?: Value<number>;
  expenseAmount?: Value<number>;
}

export interface RotRutDistributionUpdateDto {
  /** Bare, like a line's `operation`. */
  operation?: LineOperation;
  lineNbr?: Value<number>;
  personalId?: Value<string>;
  amount?: Value<number>;
  extra?: Value<boolean>;
}

/** Not wrapped itself; its fields are. `distribution` is a plain array. */
export interface RotRutUpdateDto {
  distributedAutomaticaly?: Value<boolean>;
  type?: Value<'Rut' | 'Rot'>;
  appartment?: Value<string>;
  estate?: Value<string>;
  organizationNbr?: Value<string>;
  distribution?: RotRutDistributionUpdateDto[];
}

/** `CustomerInvoiceLinesUpdateDto`: 28 properties. */
export interface CustomerInvoiceLinesUpdateDto {
  /** Bare string, never wrapped. */
  operation: LineOperation;
  lineNumber?: Value<number>;
  discountCode?: Value<string>;
  domesticServicesDeductible?: Value<boolean>;
  /** Marked obsolete by Visma, still accepted. */
  itemType?: Value<'Service' | 'MaterialCost' | 'OtherCost'>;
  /** Marked obsolete by Visma. */
  typeOfWork?: Value<string>;
  taskId?: Value<string>;
  startDate?: Value<string>;
  endDate?: Value<string>;
  inventoryNumber?: Value<string>;
  description?: Value<string>;
  quantity?: Value<number>;
  unitPriceInCurrency?: Value<number>;
  manualAmountInCurrency?: Value<number>;
  accountNumber?: Value<string>;
  vatCodeId?: Value<string>;
  uom?: Value<string>;
  discountPercent?: Value<number>;
  discountAmountInCurrency?: Value<number>;
  manualDiscount?: Value<boolean>;
  /** Bare array of bare segments. */
  subaccount?: SegmentUpdateDto[];
  salesperson?: Value<string>;
  deferralSchedule?: Value<number>;
  deferralCode?: Value<string>;
  termStartDate?: Value<string>;
  termEndDate?: Value<string>;
  note?: Value<string>;
  branchNumber?: Value<string>;
}

/** `CustomerInvoiceUpdateDto`: 51 properties; POST v2 and PUT v1 take the same body. */
export interface CustomerInvoiceUpdateDto {
  paymentMethodId?: Value<string>;
  creditTermsId?: Value<string>;
  currencyId?: Value<string>;
  customerRefNumber?: Value<string>;
  cashDiscountDate?: Value<string>;
  documentDueDate?: Value<string>;
  externalReference?: Value<string>;
  customerProject?: Value<string>;
  exchangeRate?: Value<number>;
  domesticServicesDeductibleDocument?: Value<boolean>;
  rotRutDetails?: RotRutUpdateDto;
  paymentReference?: Value<string>;
  contact?: Value<number>;
  project?: Value<string>;
  /** Plain array. */
  taxDetailLines?: TaxDetailUpdateDto[];
  /** Plain array. */
  invoiceLines?: CustomerInvoiceLinesUpdateDto[];
  sendToAutoInvoice?: Value<boolean>;
  customerVatZoneId?: Value<string>;
  /** The read side calls this `invoiceAddress`. */
  billingAddress?: Value<SalesInvoiceAddressUpdateDto>;
  invoiceContact?: Value<SalesInvoiceContactUpdateDto>;
  startDate?: Value<string>;
  endDate?: Value<string>;
  accountingCostRef?: Value<string>;
  originatorDocRef?: Value<string>;
  contractDocRef?: Value<string>;
  revoked?: Value<boolean>;
  overrideNumberSeries?: Value<boolean>;
  directDebitMandateId?: Value<string>;
  excludeDebtCollection?: Value<boolean>;
  debtCollectionCaseNbr?: Value<string>;
  debtCollectionCaseStatus?: Value<string>;
  debtCollectionCaseType?: Value<string>;
  debtCollectionCaseUrl?: Value<string>;
  referenceNumber?: Value<string>;
  customerNumber?: Value<string>;
  childCustomerNumber?: Value<string>;
  consolidateInvoices?: Value<boolean>;
  documentDate?: Value<string>;
  origInvoiceDate?: Value<string>;
  hold?: Value<boolean>;
  /** `MMYYYY` here but `YYYYMM` on the read side (CONTRACT §8.7): the client writes `financialPeriod` only. */
  postPeriod?: Value<string>;
  financialPeriod?: Value<string>;
  invoiceText?: Value<string>;
  locationId?: Value<string>;
  /** Deprecated by Visma. */
  salesPersonID?: Value<number>;
  salesperson?: Value<string>;
  note?: Value<string>;
  branchNumber?: Value<string>;
  cashAccount?: Value<string>;
  dontPrint?: Value<boolean>;
  dontEmail?: Value<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Actions, customer, errors, token
// ---------------------------------------------------------------------------------------------

/** 200 from `POST …/action/release` (CONTRACT §6). */
export interface ReleaseInvoiceActionResultDto {
  actionId?: Maybe<string>;
  actionResult?: Maybe<OpenEnum<'Queued' | 'InProcess' | 'Failed' | 'Done'>>;
  errorInfo?: Maybe<string>;
}

/** 202 when `erp-api-background` was sent (the client does not send it). */
export interface BackgroundApiAcceptedDto {
  id?: Maybe<string>;
  stateLocation?: Maybe<string>;
}

export interface CustomerMainContactDto {
  contactId?: Maybe<number>;
  name?: Maybe<string>;
  attention?: Maybe<string>;
  email?: Maybe<string>;
  web?: Maybe<string>;
  phone1?: Maybe<string>;
  phone2?: Maybe<string>;
  fax?: Maybe<string>;
}

/**
 * `CustomerDto` from GET /v1/customer/{number} (shape from Pionect/visma-php-sdk
 * `src/Dto/CustomerDto.php`). Only the fields the gateway reads are typed precisely; the rest
 * of Visma's ~45 fields are listed loosely.
 */
export interface CustomerDto {
  internalId?: Maybe<number>;
  number?: Maybe<string>;
  name?: Maybe<string>;
  status?: Maybe<OpenEnum<'Active' | 'OnHold' | 'CreditHold' | 'Inactive' | 'OneTime'>>;
  mainAddress?: Maybe<AddressDto>;
  mainContact?: Maybe<CustomerMainContactDto>;
  accountReference?: Maybe<string>;
  parentRecord?: Maybe<NumberNameDto>;
  customerClass?: Maybe<IdDescriptionDto>;
  creditTerms?: Maybe<IdDescriptionDto>;
  currencyId?: Maybe<string>;
  creditVerification?: Maybe<string>;
  creditLimit?: Maybe<number>;
  creditDaysPastDue?: Maybe<number>;
  invoiceAddress?: Maybe<AddressDto>;
  invoiceContact?: Maybe<CustomerMainContactDto>;
  printInvoices?: Maybe<boolean>;
  acceptAutoInvoices?: Maybe<boolean>;
  sendInvoicesByEmail?: Maybe<boolean>;
  sendDunningLettersViaEmail?: Maybe<boolean>;
  printDunningLetters?: Maybe<boolean>;
  printStatements?: Maybe<boolean>;
  sendStatementsByEmail?: Maybe<boolean>;
  printMultiCurrencyStatements?: Maybe<boolean>;
  statementType?: Maybe<string>;
  deliveryAddress?: Maybe<AddressDto>;
  deliveryContact?: Maybe<CustomerMainContactDto>;
  vatRegistrationId?: Maybe<string>;
  corporateId?: Maybe<string>;
  gln?: Maybe<string>;
  vatZone?: Maybe<IdDescriptionDto>;
  location?: Maybe<LocationDto>;
  attributes?: Maybe<unknown[]>;
  lastModifiedDateTime?: Maybe<WireDateTime>;
  createdDateTime?: Maybe<WireDateTime>;
  directDebitLines?: Maybe<unknown[]>;
  priceClass?: Maybe<IdDescriptionDto>;
  glAccounts?: Maybe<Record<string, unknown>>;
  invoiceToDefaultLocation?: Maybe<boolean>;
  eInvoiceContract?: Maybe<Record<string, unknown>>;
  paymentMethods?: Maybe<unknown[]>;
  defaultPaymentMethodId?: Maybe<string>;
  numberOfEmployees?: Maybe<number>;
  excludeDebtCollection?: Maybe<boolean>;
  timeStamp?: Maybe<WireTimeStamp>;
  errorInfo?: Maybe<string>;
  metadata?: Maybe<MetadataDto>;
}

/** Business and validation errors: `{"message":"VismaId: <uuid>. <text>"}` (CONTRACT §5.1). */
export interface MessageErrorEnvelope {
  message?: string;
  /** The Go clients read `Message`; accept both spellings. */
  Message?: string;
}

/** Auth, licence and company-context errors, PascalCase (CONTRACT §5.1). */
export interface IppErrorEnvelope {
  ExceptionType: string;
  ExceptionMessage?: string;
  /** A string, e.g. `"12027"`. */
  ExceptionFaultCode?: string;
  /** `<code>_<guid>`. */
  ExceptionMessageID?: string;
  ExceptionDetails?: string;
}

/** Visma Connect's answer to a client-credentials request (CONTRACT §7). */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
  token_type: string;
  scope?: string;
}

/** RFC 6749 §5.2 error answer from the token endpoint. */
export interface TokenErrorResponse {
  error: string;
  error_description?: string;
}
