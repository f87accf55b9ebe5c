import { describe, expect, it } from 'vitest';
import type { FieldError } from '#src/core/errors';
import type { OrganisationDraft } from '#src/modules/constituents/constituents.validation';
import { splitLines, validateAcronym, validateContacts, validateEmailDomains, validateIpRanges, validateOrganisation } from '#src/modules/constituents/constituents.validation';

const valid: OrganisationDraft = {
  names: { fr: 'Office national de l’électricité', ar: 'المكتب الوطني للكهرباء', en: 'National Electricity Office' },
  acronym: 'onee',
  category: 'vital-infrastructure',
  sector: 'energy',
  emailDomains: ['ONEE.ma', '@one.org.ma', 'onee.ma.'],
  ipRanges: ['192.168.1.7/24', '2001:DB8:0:0::1/32', '10.0.0.1'],
  contacts: [{ name: '  Fatima  Zahra ', email: 'RSSI@ONEE.ma', phone: '06 12 34 56 78' }, { name: '', email: '', phone: '' }],
};

describe('organisation validation', () => {
  it('normalises every field of a valid organisation', () => {
    const { fields, errors } = validateOrganisation(valid);
    expect(errors).toEqual([]);
    expect(fields).toEqual({
      names: valid.names,
      acronym: 'ONEE',
      category: 'vital-infrastructure',
      sectorCode: 'energy',
      emailDomains: ['onee.ma', 'one.org.ma'],
      ipRanges: ['192.168.1.0/24', '2001:db8::/32', '10.0.0.1/32'],
      contacts: [{ name: 'Fatima Zahra', email: 'rssi@onee.ma', phone: '+212612345678' }],
    });
  });

  it('collects every error at once, naming each field', () => {
    const { errors } = validateOrganisation({ names: { fr: '', ar: 'x'.repeat(201) }, acronym: 'a', category: 'ngo', sector: '', emailDomains: [], ipRanges: [], contacts: [] });
    expect(errors.map((e) => [e.field, e.message])).toEqual([
      ['names.fr', 'required'],
      ['names.ar', 'too_long'],
      ['names.en', 'required'],
      ['acronym', 'invalid_format'],
      ['category', 'invalid_choice'],
      ['sector', 'required'],
      ['contacts', 'required'],
    ]);
  });
});

describe('IP ranges', () => {
  it('stores IPv4 and IPv6 blocks in network form and drops duplicates', () => {
    const errors: FieldError[] = [];
    expect(validateIpRanges(['192.168.1.7/24', '192.168.1.0/24', '::ffff:10.0.0.1/128', 'fe80::1/10'], errors)).toEqual([
      '192.168.1.0/24',
      '::ffff:10.0.0.1/128',
      'fe80::/10',
    ]);
    expect(errors).toEqual([]);
  });

  it('names the offending entry by its index, with the value in the parameters', () => {
    const errors: FieldError[] = [];
    validateIpRanges(['10.0.0.0/8', '10.0.0.300/8', '192.168.0.0/33', '2001:db8::/129', 'example.ma'], errors);
    expect(errors).toEqual([
      { field: 'ipRanges.1', message: 'invalid_cidr', params: { value: '10.0.0.300/8' } },
      { field: 'ipRanges.2', message: 'invalid_cidr', params: { value: '192.168.0.0/33' } },
      { field: 'ipRanges.3', message: 'invalid_cidr', params: { value: '2001:db8::/129' } },
      { field: 'ipRanges.4', message: 'invalid_cidr', params: { value: 'example.ma' } },
    ]);
  });

  it('refuses more than 500 ranges', () => {
    const errors: FieldError[] = [];
    validateIpRanges(Array.from({ length: 501 }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`), errors);
    expect(errors).toEqual([{ field: 'ipRanges', message: 'too_long', params: { max: 500 } }]);
  });
});

describe('e-mail domains', () => {
  it('lower-cases, converts IDNs to punycode and names a bad entry', () => {
    const errors: FieldError[] = [];
    expect(validateEmailDomains(['Exemple.MA', 'société.ma', 'not a domain', 'localhost'], errors)).toEqual(['exemple.ma', 'xn--socit-esab.ma']);
    expect(errors).toEqual([
      { field: 'emailDomains.2', message: 'invalid_domain', params: { value: 'not a domain' } },
      { field: 'emailDomains.3', message: 'invalid_domain', params: { value: 'localhost' } },
    ]);
  });

  it('refuses more than 50 domains', () => {
    const errors: FieldError[] = [];
    validateEmailDomains(Array.from({ length: 51 }, (_, i) => `d${i}.example.ma`), errors);
    expect(errors).toEqual([{ field: 'emailDomains', message: 'too_long', params: { max: 50 } }]);
  });
});

describe('contacts', () => {
  it('keeps the slot index in errors and ignores blank slots', () => {
    const errors: FieldError[] = [];
    validateContacts([{ name: '', email: '', phone: '' }, { name: 'Omar', email: 'omar@', phone: '12' }, { name: '', email: 'x@example.ma' }], errors);
    expect(errors).toEqual([
      { field: 'contacts.1.email', message: 'invalid_email', params: { value: 'omar@' } },
      { field: 'contacts.1.phone', message: 'invalid_phone', params: { value: '12' } },
      { field: 'contacts.2.name', message: 'required' },
    ]);
  });
});

describe('acronym and lines', () => {
  it('upper-cases acronyms and treats blank as none', () => {
    const errors: FieldError[] = [];
    expect(validateAcronym(' dgssi ', errors)).toBe('DGSSI');
    expect(validateAcronym('  ', errors)).toBeNull();
    validateAcronym('DG SSI', errors);
    expect(errors).toEqual([{ field: 'acronym', message: 'invalid_format' }]);
  });

  it('splits textareas on new lines, commas and spaces', () => {
    expect(splitLines('10.0.0.0/8\r\n\n  192.0.2.0/24, 2001:db8::/32 ')).toEqual(['10.0.0.0/8', '192.0.2.0/24', '2001:db8::/32']);
  });
});
