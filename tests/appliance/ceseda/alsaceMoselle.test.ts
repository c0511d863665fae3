/**
 * Alsace-Moselle: Good Friday and 26 December are holidays for the courts there (C. trav.
 * L. 3134-13), every year the engine accepts — not only the years a test happens to look at.
 * Easter comes from a table written here (Easter Sundays as published, 1990–2100), independent of
 * the engine's computus; Good Friday is that Sunday minus two days.
 */
import { describe, expect, it } from 'vitest';
import { HOLIDAY_YEARS, nextWorkingDay, publicHolidays, UnsupportedYearError } from '../../../appliance/src/domain/ceseda/calendar.js';
import { computeDeadlines } from '../../../appliance/src/domain/ceseda/deadlines.js';
import { runAnalysis } from '../../../appliance/src/domain/ceseda/runAnalysis.js';

// prettier-ignore
const EASTER: Readonly<Record<number, string>> = {
  1990: '1990-04-15', 1991: '1991-03-31', 1992: '1992-04-19', 1993: '1993-04-11', 1994: '1994-04-03', 1995: '1995-04-16',
  1996: '1996-04-07', 1997: '1997-03-30', 1998: '1998-04-12', 1999: '1999-04-04', 2000: '2000-04-23', 2001: '2001-04-15',
  2002: '2002-03-31', 2003: '2003-04-20', 2004: '2004-04-11', 2005: '2005-03-27', 2006: '2006-04-16', 2007: '2007-04-08',
  2008: '2008-03-23', 2009: '2009-04-12', 2010: '2010-04-04', 2011: '2011-04-24', 2012: '2012-04-08', 2013: '2013-03-31',
  2014: '2014-04-20', 2015: '2015-04-05', 2016: '2016-03-27', 2017: '2017-04-16', 2018: '2018-04-01', 2019: '2019-04-21',
  2020: '2020-04-12', 2021: '2021-04-04', 2022: '2022-04-17', 2023: '2023-04-09', 2024: '2024-03-31', 2025: '2025-04-20',
  2026: '2026-04-05', 2027: '2027-03-28', 2028: '2028-04-16', 2029: '2029-04-01', 2030: '2030-04-21', 2031: '2031-04-13',
  2032: '2032-03-28', 2033: '2033-04-17', 2034: '2034-04-09', 2035: '2035-03-25', 2036: '2036-04-13', 2037: '2037-04-05',
  2038: '2038-04-25', 2039: '2039-04-10', 2040: '2040-04-01', 2041: '2041-04-21', 2042: '2042-04-06', 2043: '2043-03-29',
  2044: '2044-04-17', 2045: '2045-04-09', 2046: '2046-03-25', 2047: '2047-04-14', 2048: '2048-04-05', 2049: '2049-04-18',
  2050: '2050-04-10', 2051: '2051-04-02', 2052: '2052-04-21', 2053: '2053-04-06', 2054: '2054-03-29', 2055: '2055-04-18',
  2056: '2056-04-02', 2057: '2057-04-22', 2058: '2058-04-14', 2059: '2059-03-30', 2060: '2060-04-18', 2061: '2061-04-10',
  2062: '2062-03-26', 2063: '2063-04-15', 2064: '2064-04-06', 2065: '2065-03-29', 2066: '2066-04-11', 2067: '2067-04-03',
  2068: '2068-04-22', 2069: '2069-04-14', 2070: '2070-03-30', 2071: '2071-04-19', 2072: '2072-04-10', 2073: '2073-03-26',
  2074: '2074-04-15', 2075: '2075-04-07', 2076: '2076-04-19', 2077: '2077-04-11', 2078: '2078-04-03', 2079: '2079-04-23',
  2080: '2080-04-07', 2081: '2081-03-30', 2082: '2082-04-19', 2083: '2083-04-04', 2084: '2084-03-26', 2085: '2085-04-15',
  2086: '2086-03-31', 2087: '2087-04-20', 2088: '2088-04-11', 2089: '2089-04-03', 2090: '2090-04-16', 2091: '2091-04-08',
  2092: '2092-03-30', 2093: '2093-04-12', 2094: '2094-04-04', 2095: '2095-04-24', 2096: '2096-04-15', 2097: '2097-03-31',
  2098: '2098-04-20', 2099: '2099-04-12', 2100: '2100-03-28',
};

/** `date` ± `days`, by plain UTC arithmetic (not the engine's). */
function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

const YEARS: number[] = [];
for (let y = HOLIDAY_YEARS.first; y <= HOLIDAY_YEARS.last; y += 1) YEARS.push(y);

describe('Alsace-Moselle holidays, every year the engine accepts', () => {
  it('the table covers exactly the years the engine accepts', () => {
    expect(Object.keys(EASTER).map(Number)).toEqual(YEARS);
  });

  it('Good Friday (Easter − 2) and 26 December are holidays there, and only there', () => {
    for (const year of YEARS) {
      const goodFriday = shift(EASTER[year]!, -2);
      const alsace = publicHolidays(year, { alsaceMoselle: true });
      const elsewhere = publicHolidays(year);
      expect(alsace.get(goodFriday), `${year}`).toBe('Vendredi saint, férié en Alsace-Moselle');
      expect(alsace.get(`${year}-12-26`), `${year}`).toBe('Saint-Étienne, férié en Alsace-Moselle');
      expect(elsewhere.has(goodFriday), `${year}`).toBe(false);
      expect(elsewhere.has(`${year}-12-26`), `${year}`).toBe(false);
      // The Easter-based national holidays follow the same table.
      expect(elsewhere.get(shift(EASTER[year]!, 1)), `${year}`).toBe('Lundi de Pâques');
    }
  });

  it('a délai ending on Good Friday or 26 December is extended in Alsace-Moselle only', () => {
    for (const year of YEARS) {
      const goodFriday = shift(EASTER[year]!, -2);
      // Good Friday, Saturday, Easter Sunday, Easter Monday: the next working day is the Tuesday.
      expect(nextWorkingDay(goodFriday, { alsaceMoselle: true }).date, `${year}`).toBe(shift(goodFriday, 4));
      expect(nextWorkingDay(goodFriday).date, `${year}`).toBe(goodFriday);
      const stephen = `${year}-12-26`;
      const dow = weekday(stephen);
      if (dow === 0 || dow === 6) continue; // a weekend day moves everywhere: no difference to show
      // 26 December on a Friday runs to Monday 29; on any other weekday to the next day.
      const expected = shift(stephen, dow === 5 ? 3 : 1);
      expect(nextWorkingDay(stephen, { alsaceMoselle: true }).date, `${year}`).toBe(expected);
      expect(nextWorkingDay(stephen).date, `${year}`).toBe(stephen);
    }
  });

  it('a refusal of a titre whose two months end on Good Friday 2027 is extended before the TA de Strasbourg only', () => {
    // Easter 2027 is Sunday 28 March, so Good Friday is 26 March. Notified Monday 25 January 2027:
    // two months → échéance Thursday 25 March; délai franc → last day Friday 26 March 2027.
    const strasbourg = computeDeadlines('refus_titre_sejour', '2027-01-25', { competentCourt: 'TA de Strasbourg' });
    const paris = computeDeadlines('refus_titre_sejour', '2027-01-25', { competentCourt: 'TA de Paris' });
    const dueOf = (list: typeof paris) => list.find((d) => d.remedy === 'recours_contentieux')!.due;
    // Strasbourg: Friday 26 (Vendredi saint), Saturday 27, Sunday 28 (Pâques), Monday 29 (Lundi de
    // Pâques) are not working days → Tuesday 30 March 2027.
    expect(dueOf(strasbourg)).toBe('2027-03-30');
    expect(dueOf(paris)).toBe('2027-03-26');
  });
});

describe('years outside the legal calendar', () => {
  it('refuses them with an error naming the range, never guessing their holidays', () => {
    expect(() => publicHolidays(HOLIDAY_YEARS.first - 1)).toThrow(UnsupportedYearError);
    expect(() => publicHolidays(HOLIDAY_YEARS.last + 1, { alsaceMoselle: true })).toThrow(
      `the legal calendar covers ${HOLIDAY_YEARS.first}–${HOLIDAY_YEARS.last}; ${HOLIDAY_YEARS.last + 1} is outside it`,
    );
    expect(() => nextWorkingDay('1989-12-30')).toThrow(UnsupportedYearError);
  });

  it('the analysis names the field whose year is refused', () => {
    const base = {
      model: 'ceseda-basic-v1' as const,
      procedure: 'refus_titre_sejour' as const,
      now: new Date('2026-12-05T10:00:00Z'),
      threshold: 0.5,
    };
    // Notified 1 December 2100: two months run into 2101, outside the calendar.
    expect(() => runAnalysis({ ...base, decisionNotifiedAt: '2100-12-01' })).toThrow(
      /decisionNotifiedAt: the legal calendar covers 1990–2100; 2101/,
    );
    expect(() => runAnalysis({ ...base, decisionNotifiedAt: '2026-11-02', facts: { residencePermitExpiresOn: '2150-01-15' } })).toThrow(
      /facts\.residencePermitExpiresOn: the legal calendar covers 1990–2100; 2149/,
    );
  });
});
