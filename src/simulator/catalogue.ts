/**
 * The simulated company's reference data: customers, inventory items, VAT codes, accounts,
 * branches, projects, currencies, credit terms. Fixed, not random, so docs and tests can name
 * them. Fixture-driven facts: customer 10000 and item 222 (uom STK) come from the docs' POST
 * example, item 6 from the docs' PUT example (CONTRACT §3, fixtures/).
 */
import { dec, type Dec } from './decimal';

export const BASE_CURRENCY = 'NOK';

export interface VatCode {
  id: string;
  description: string;
  rate: Dec;
  /** Counts into vatExemptTotal rather than vatTaxableTotal. */
  exempt: boolean;
}

export const VAT_CODES: readonly VatCode[] = [
  { id: '3', description: 'Output VAT, standard rate 25%', rate: dec('25'), exempt: false },
  { id: '31', description: 'Output VAT, reduced rate 15% (food)', rate: dec('15'), exempt: false },
  { id: '33', description: 'Output VAT, low rate 12%', rate: dec('12'), exempt: false },
  { id: '5', description: 'VAT exempt domestic sale 0%', rate: dec('0'), exempt: true },
  { id: '52', description: 'VAT exempt export 0%', rate: dec('0'), exempt: true },
];

export interface LedgerAccount {
  number: string;
  description: string;
  type: 'Asset' | 'Liability' | 'Income' | 'Expense';
}

export const ACCOUNTS: readonly LedgerAccount[] = [
  { number: '1500', description: 'Accounts receivable', type: 'Asset' },
  { number: '3000', description: 'Sales, taxable', type: 'Income' },
  { number: '3015', description: 'Sales of services, taxable', type: 'Income' },
  { number: '3100', description: 'Sales, VAT exempt', type: 'Income' },
  { number: '3200', description: 'Sales, export', type: 'Income' },
];
export const RECEIVABLES_ACCOUNT = '1500';
/** Account and VAT code for a line without an inventory item (a description-only line). */
export const DEFAULT_SALES_ACCOUNT = '3000';
export const DEFAULT_VAT_CODE = '3';

export interface InventoryItem {
  number: string;
  description: string;
  uom: string;
  /** Default price in the base currency. */
  price: Dec;
  vatCodeId: string;
  accountNumber: string;
  itemType: 'Service' | 'MaterialCost' | 'OtherCost';
  lineType: 'GI' | 'GN';
}

export const ITEMS: readonly InventoryItem[] = [
  {
    number: '6',
    description: 'Consulting hour',
    uom: 'TIME',
    price: dec('1250'),
    vatCodeId: '3',
    accountNumber: '3015',
    itemType: 'Service',
    lineType: 'GN',
  },
  {
    number: '222',
    description: 'Potatoes',
    uom: 'STK',
    price: dec('12.5'),
    vatCodeId: '31',
    accountNumber: '3000',
    itemType: 'MaterialCost',
    lineType: 'GI',
  },
  {
    number: 'LIC-STD',
    description: 'Software licence, standard',
    uom: 'STK',
    price: dec('4990'),
    vatCodeId: '3',
    accountNumber: '3000',
    itemType: 'Service',
    lineType: 'GN',
  },
  {
    number: 'SUPPORT',
    description: 'Support agreement, monthly',
    uom: 'MND',
    price: dec('1490'),
    vatCodeId: '3',
    accountNumber: '3015',
    itemType: 'Service',
    lineType: 'GN',
  },
  {
    number: 'BOOK-01',
    description: 'Handbook, printed',
    uom: 'STK',
    price: dec('349'),
    vatCodeId: '5',
    accountNumber: '3100',
    itemType: 'MaterialCost',
    lineType: 'GI',
  },
  {
    number: 'COFFEE',
    description: 'Coffee beans 1 kg',
    uom: 'KG',
    price: dec('189.9'),
    vatCodeId: '31',
    accountNumber: '3000',
    itemType: 'MaterialCost',
    lineType: 'GI',
  },
  {
    number: 'TICKET',
    description: 'Event ticket',
    uom: 'STK',
    price: dec('750'),
    vatCodeId: '33',
    accountNumber: '3000',
    itemType: 'OtherCost',
    lineType: 'GN',
  },
  {
    number: 'HW-100',
    description: 'Network switch',
    uom: 'STK',
    price: dec('2375.5'),
    vatCodeId: '3',
    accountNumber: '3000',
    itemType: 'MaterialCost',
    lineType: 'GI',
  },
  {
    number: 'FREIGHT',
    description: 'Freight',
    uom: 'STK',
    price: dec('295'),
    vatCodeId: '3',
    accountNumber: '3000',
    itemType: 'OtherCost',
    lineType: 'GN',
  },
  {
    number: 'EXPORT-SVC',
    description: 'Consulting abroad',
    uom: 'TIME',
    price: dec('1400'),
    vatCodeId: '52',
    accountNumber: '3200',
    itemType: 'Service',
    lineType: 'GN',
  },
];

export interface Currency {
  id: string;
  /** Units of base currency per unit of this currency (fixed in the simulator). */
  rate: Dec;
}

export const CURRENCIES: readonly Currency[] = [
  { id: 'NOK', rate: dec('1') },
  { id: 'SEK', rate: dec('0.9812') },
  { id: 'DKK', rate: dec('1.5587') },
  { id: 'EUR', rate: dec('11.6275') },
  { id: 'USD', rate: dec('10.8531') },
];

export interface CreditTerms {
  id: string;
  description: string;
  days: number;
}

export const CREDIT_TERMS: readonly CreditTerms[] = [
  { id: '10', description: '10 days', days: 10 },
  { id: '14', description: '14 days', days: 14 },
  { id: '30', description: '30 days', days: 30 },
  { id: '60', description: '60 days', days: 60 },
];

export interface IdName {
  id: string;
  description: string;
}

export const PAYMENT_METHODS: readonly IdName[] = [
  { id: 'BANK', description: 'Bank transfer' },
  { id: 'CARD', description: 'Card payment' },
  { id: 'AVTALEGIRO', description: 'Direct debit' },
];

export const VAT_ZONES: readonly IdName[] = [
  { id: '01', description: 'Domestic' },
  { id: '02', description: 'Export' },
];

export const BRANCHES: readonly { number: string; name: string }[] = [
  { number: '1', name: 'Head office Oslo' },
  { number: '2', name: 'Branch Bergen' },
  { number: '3', name: 'Branch Trondheim' },
];

export const PROJECTS: readonly { internalId: number; id: string; description: string }[] = [
  { internalId: 11, id: 'P1001', description: 'ERP rollout' },
  { internalId: 12, id: 'P1002', description: 'Webshop' },
  { internalId: 13, id: 'P1003', description: 'Data migration' },
];

export const COUNTRIES: readonly { id: string; name: string }[] = [
  { id: 'NO', name: 'Norway' },
  { id: 'SE', name: 'Sweden' },
  { id: 'DK', name: 'Denmark' },
  { id: 'FI', name: 'Finland' },
  { id: 'DE', name: 'Germany' },
  { id: 'GB', name: 'United Kingdom' },
  { id: 'US', name: 'United States' },
];

/** Subaccount segments of the chart: 1 department (2 digits), 2 product (3), 3 region (2). */
export const SUBACCOUNT_SEGMENTS: readonly { segmentId: number; description: string; length: number }[] = [
  { segmentId: 1, description: 'Department', length: 2 },
  { segmentId: 2, description: 'Product', length: 3 },
  { segmentId: 3, description: 'Region', length: 2 },
];

export const SALESPEOPLE: readonly IdName[] = [
  { id: 'SP01', description: 'Kari Nordmann' },
  { id: 'SP02', description: 'Ola Hansen' },
];

export type CustomerStatusName = 'Active' | 'OnHold' | 'CreditHold' | 'Inactive' | 'OneTime';

export interface DemoCustomer {
  internalId: number;
  number: string;
  name: string;
  status: CustomerStatusName;
  currencyId: string;
  creditTermsId: string;
  vatZoneId: string;
  countryId: string;
  city: string;
  postalCode: string;
  addressLine1: string;
  contactId: number;
  contactName: string;
  email: string;
  phone: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
}

const CUSTOMER_ROWS: readonly [string, CustomerStatusName, string, string, string, string][] = [
  // name, status, currency, terms, country, city
  ['Nordlys Potetlager AS', 'Active', 'NOK', '30', 'NO', 'Oslo'],
  ['Fjordkraft Konsult AS', 'Active', 'NOK', '14', 'NO', 'Bergen'],
  ['Svensk Handel AB', 'Active', 'SEK', '30', 'SE', 'Stockholm'],
  ['Midnattsol Bakeri AS', 'Active', 'NOK', '10', 'NO', 'Tromsø'],
  ['Dansk Design ApS', 'Active', 'DKK', '30', 'DK', 'København'],
  ['Helsinki Data Oy', 'Active', 'EUR', '30', 'FI', 'Helsinki'],
  ['Berliner Technik GmbH', 'Active', 'EUR', '60', 'DE', 'Berlin'],
  ['Atlantic Software Inc', 'Active', 'USD', '30', 'US', 'Boston'],
  ['Trondheim Tre AS', 'OnHold', 'NOK', '30', 'NO', 'Trondheim'],
  ['Stavanger Energi AS', 'Active', 'NOK', '30', 'NO', 'Stavanger'],
  ['Lofoten Fisk AS', 'CreditHold', 'NOK', '14', 'NO', 'Svolvær'],
  ['Göteborg Logistik AB', 'Active', 'SEK', '30', 'SE', 'Göteborg'],
  ['Kristiansand Marin AS', 'Active', 'NOK', '30', 'NO', 'Kristiansand'],
  ['London Analytics Ltd', 'Active', 'USD', '60', 'GB', 'London'],
  ['Drammen Bygg AS', 'Inactive', 'NOK', '30', 'NO', 'Drammen'],
  ['Engangskunde Kontant', 'OneTime', 'NOK', '10', 'NO', 'Oslo'],
  ['Hamar Landbruk AS', 'Active', 'NOK', '30', 'NO', 'Hamar'],
  ['Malmö Media AB', 'Active', 'SEK', '14', 'SE', 'Malmö'],
  ['Ålesund Shipping AS', 'Active', 'NOK', '60', 'NO', 'Ålesund'],
  ['Aarhus Foods A/S', 'Active', 'DKK', '30', 'DK', 'Aarhus'],
  ['Bodø Elektro AS', 'Active', 'NOK', '30', 'NO', 'Bodø'],
  ['Tampere Systems Oy', 'OnHold', 'EUR', '30', 'FI', 'Tampere'],
  ['Fredrikstad Glass AS', 'Active', 'NOK', '14', 'NO', 'Fredrikstad'],
  ['München Maschinen AG', 'Active', 'EUR', '30', 'DE', 'München'],
  ['Molde Reiseliv AS', 'Active', 'NOK', '10', 'NO', 'Molde'],
  ['Uppsala Bio AB', 'Active', 'SEK', '30', 'SE', 'Uppsala'],
  ['Tønsberg Regnskap AS', 'Active', 'NOK', '30', 'NO', 'Tønsberg'],
  ['Seattle Cloud LLC', 'CreditHold', 'USD', '30', 'US', 'Seattle'],
  ['Lillehammer Sport AS', 'Active', 'NOK', '30', 'NO', 'Lillehammer'],
  ['Narvik Havn KF', 'Active', 'NOK', '60', 'NO', 'Narvik'],
  ['Kongsberg Presisjon AS', 'Active', 'NOK', '30', 'NO', 'Kongsberg'],
  ['Arendal Kafé AS', 'Active', 'NOK', '14', 'NO', 'Arendal'],
];

function customerFrom(row: (typeof CUSTOMER_ROWS)[number], index: number): DemoCustomer {
  const [name, status, currencyId, creditTermsId, countryId, city] = row;
  const number = String(10000 + index);
  const slug = name
    .toLowerCase()
    .replace(/[^a-z]+/g, '')
    .slice(0, 16);
  const month = String((index % 12) + 1).padStart(2, '0');
  return {
    internalId: 501 + index,
    number,
    name,
    status,
    currencyId,
    creditTermsId,
    vatZoneId: countryId === 'NO' ? '01' : '02',
    countryId,
    city,
    postalCode: String(1000 + index * 37).padStart(4, '0'),
    addressLine1: `Storgata ${index + 1}`,
    contactId: 9001 + index,
    contactName: `Contact ${number}`,
    email: `invoice@${slug}.example`,
    phone: `+47 22 ${String(100000 + index * 1379).slice(0, 6)}`,
    createdDateTime: `2023-${month}-0${(index % 9) + 1}T09:15:00.000`,
    lastModifiedDateTime: `2023-${month}-1${(index % 9) + 1}T14:30:00.000`,
  };
}

export const CUSTOMERS: readonly DemoCustomer[] = CUSTOMER_ROWS.map(customerFrom);

function indexBy<T, K extends keyof T>(items: readonly T[], key: K): ReadonlyMap<T[K], T> {
  return new Map(items.map((item) => [item[key], item]));
}

export const CUSTOMER_BY_NUMBER = indexBy(CUSTOMERS, 'number');
export const ITEM_BY_NUMBER = indexBy(ITEMS, 'number');
export const VAT_BY_ID = indexBy(VAT_CODES, 'id');
export const ACCOUNT_BY_NUMBER = indexBy(ACCOUNTS, 'number');
export const CURRENCY_BY_ID = indexBy(CURRENCIES, 'id');
export const TERMS_BY_ID = indexBy(CREDIT_TERMS, 'id');
export const PAYMENT_METHOD_BY_ID = indexBy(PAYMENT_METHODS, 'id');
export const VAT_ZONE_BY_ID = indexBy(VAT_ZONES, 'id');
export const BRANCH_BY_NUMBER = indexBy(BRANCHES, 'number');
export const PROJECT_BY_ID = indexBy(PROJECTS, 'id');
export const COUNTRY_BY_ID = indexBy(COUNTRIES, 'id');
export const SEGMENT_BY_ID = indexBy(SUBACCOUNT_SEGMENTS, 'segmentId');
export const SALESPERSON_BY_ID = indexBy(SALESPEOPLE, 'id');
