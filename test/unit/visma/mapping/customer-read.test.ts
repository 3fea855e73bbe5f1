import { VismaProtocolError, VismaValidationError } from '../../../../src/visma/errors';
import { actionResultFromWire, customerFromWire } from '../../../../src/visma/mapping';
import actionDone from '../../../fixtures/action-result-done.json';

describe('customer read mapping', () => {
  describe('customerFromWire', () => {
    it('maps the fields the gateway uses and ignores the rest', () => {
      const customer = customerFromWire(
        {
          internalId: 42,
          number: '10000',
          name: 'Potet AS',
          status: 'Active',
          currencyId: 'NOK',
          creditTerms: { id: '30D', description: '30 days' },
          mainAddress: {
            addressId: 5,
            addressLine1: 'Storgata 1',
            postalCode: '0155',
            city: 'Oslo',
            country: { id: 'NO', name: 'Norway' },
          },
          mainContact: { contactId: 9, name: 'Kari', email: 'kari@example.com', phone1: '22000000', fax: null },
          vatZone: { id: '01', description: 'Domestic' },
          creditLimit: 10000,
          lastModifiedDateTime: '2025-01-27T13:45:12',
          createdDateTime: '2020-06-01T09:00:00Z',
          timeStamp: 'AAAAAAAAB9E=',
          metadata: { totalCount: 1, maxPageSize: 1000 },
        },
        'Europe/Oslo',
      );

      expect(customer).toEqual({
        internalId: 42,
        number: '10000',
        name: 'Potet AS',
        status: 'Active',
        currencyId: 'NOK',
        creditTerms: { id: '30D', description: '30 days' },
        mainAddress: {
          addressId: 5,
          line1: 'Storgata 1',
          line2: null,
          line3: null,
          postalCode: '0155',
          city: 'Oslo',
          country: { id: 'NO', name: 'Norway' },
          county: null,
          overridden: null,
        },
        mainContact: { name: 'Kari', email: 'kari@example.com', phone: '22000000' },
        vatZone: { id: '01', description: 'Domestic' },
        createdDateTime: '2020-06-01T11:00:00+02:00',
        lastModifiedDateTime: '2025-01-27T13:45:12+01:00',
        version: 'AAAAAAAAB9E=',
      });
    });

    it('refuses a customer without a number', () => {
      expect(() => customerFromWire({ name: 'x' }, 'UTC')).toThrow(VismaProtocolError);
    });
  });

  describe('actionResultFromWire', () => {
    it("reads Visma's action result", () => {
      expect(actionResultFromWire(actionDone, 'POST /x')).toEqual({
        actionId: '2ddece9b-a89b-4f5a-a251-2cf14837bb2d',
        result: 'Done',
      });
    });

    it.each(['Queued', 'InProcess'])('passes %s through', (result) => {
      expect(actionResultFromWire({ actionId: 'a', actionResult: result }, 'POST /x').result).toBe(result);
    });

    it("turns Failed into a validation error carrying Visma's errorInfo", () => {
      const read = () =>
        actionResultFromWire({ actionId: 'a', actionResult: 'Failed', errorInfo: 'Document is out of balance.' }, 'POST /x');
      expect(read).toThrow(VismaValidationError);
      expect(read).toThrow('Document is out of balance.');
    });

    it('turns Failed without errorInfo into a validation error with a generic message', () => {
      expect(() => actionResultFromWire({ actionResult: 'Failed' }, 'POST /x')).toThrow('Visma reported the action as failed.');
    });
  });
});
