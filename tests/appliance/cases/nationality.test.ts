/**
 * The nationality as a case stores it (domain/cases/nationality.ts) and as the picker reads it
 * (web/countries.ts): names in French or English to the ISO code, codes to names, the two ICAO
 * 9303 codes for a stateless person and an unknown nationality, unknown ones refused.
 */
import { describe, expect, it } from 'vitest';
import { nationalityCode, nationalitySchema } from '../../../appliance/src/domain/cases/nationality.js';
import { clientSchema, newCaseSchema } from '../../../appliance/src/domain/cases/caseSchema.js';
import { nationalityChoices, nationalityFromInput, nationalityName } from '../../../appliance/src/web/countries.js';

describe('the nationality codes', () => {
  it('keeps alpha-2, reads alpha-3 as alpha-2, keeps XXA / XXX, refuses the rest', () => {
    expect(nationalityCode('dz')).toBe('DZ');
    expect(nationalityCode(' DZA ')).toBe('DZ');
    expect(nationalityCode('XK')).toBe('XK');
    expect(nationalityCode('xxa')).toBe('XXA');
    expect(nationalityCode('XXX')).toBe('XXX');
    expect(nationalityCode('ZZ')).toBeUndefined();
    expect(nationalityCode('QQQ')).toBeUndefined();
    expect(nationalityCode('Algérie')).toBeUndefined();
    expect(nationalitySchema.safeParse('SEN').data).toBe('SN');
    const refused = clientSchema.safeParse({ lastName: 'A', firstName: 'B', nationality: 'ZZ', birthDate: '1990-01-01' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['nationality']);
    expect(refused.error?.issues[0]?.message).toMatch(/^\(ZZ\) is not a known code: must be an ISO 3166-1 country code/);
  });

  it('refuses a birth date after the notification, naming client.birthDate', () => {
    // Born 2026-11-21, notified 2026-11-20: one day after, refused; born the day of the notification is possible.
    const base = { procedure: 'oqtf', decisionNotifiedAt: '2026-11-20' };
    const late = newCaseSchema.safeParse({
      ...base,
      client: { lastName: 'A', firstName: 'B', nationality: 'DZ', birthDate: '2026-11-21' },
    });
    expect(late.success).toBe(false);
    expect(late.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'client.birthDate: (2026-11-21) is after the notification of the decision (2026-11-20): check the date of birth (YYYY-MM-DD)',
    ]);
    const sameDay = newCaseSchema.safeParse({
      ...base,
      client: { lastName: 'A', firstName: 'B', nationality: 'DZ', birthDate: '2026-11-20' },
    });
    expect(sameDay.success).toBe(true);
  });
});

describe('the picker’s names', () => {
  it('reads French and English names, accents and punctuation aside, and codes', () => {
    expect(nationalityFromInput('Algérie')).toBe('DZ');
    expect(nationalityFromInput('algerie')).toBe('DZ');
    expect(nationalityFromInput('Algeria')).toBe('DZ');
    expect(nationalityFromInput('cote d ivoire')).toBe('CI');
    expect(nationalityFromInput('Côte d’Ivoire')).toBe('CI');
    // "Congo" is France's name for the Republic of the Congo (CG); the DRC is named in full.
    expect(nationalityFromInput('Congo')).toBe('CG');
    expect(nationalityFromInput('République démocratique du Congo')).toBe('CD');
    expect(nationalityFromInput('Apatride')).toBe('XXA');
    expect(nationalityFromInput('Nationalité inconnue')).toBe('XXX');
    expect(nationalityFromInput('tun')).toBe('TN');
    expect(nationalityFromInput('Narnia')).toBeUndefined();
    expect(nationalityFromInput('  ')).toBeUndefined();
  });

  it('names a stored code in the page’s language, and shows a code stored before the check as it is', () => {
    expect(nationalityName('SN', 'fr')).toBe('Sénégal');
    expect(nationalityName('SN', 'en')).toBe('Senegal');
    expect(nationalityName('XXA', 'fr')).toBe('Apatride');
    expect(nationalityName('ZZ', 'fr')).toBe('ZZ');
  });

  it('lists every code the domain takes, French names in French order, the two special ones last', () => {
    const fr = nationalityChoices('fr');
    expect(fr.slice(-2).map((c) => c.code)).toEqual(['XXA', 'XXX']);
    expect(fr.every((c) => nationalityCode(c.code) === c.code)).toBe(true);
    const names = fr.slice(0, -2).map((c) => c.name);
    // Afrique du Sud sorts before Albanie: "Afr" < "Alb", Åland between (its Å read as A).
    expect(names.indexOf('Afrique du Sud')).toBeLessThan(names.indexOf('Albanie'));
    expect(names).toContain('Algérie');
    // Every listed name reads back to its own code (what the form sends is what the list shows).
    for (const c of fr) expect(nationalityFromInput(c.name), c.name).toBe(c.code);
  });
});
