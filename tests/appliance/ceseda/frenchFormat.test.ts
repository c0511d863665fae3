import { describe, expect, it } from 'vitest';
import {
  dateLongue,
  decimal,
  duree,
  instantLong,
  listeEt,
  nombre,
  pourcentage,
} from '../../../appliance/src/domain/ceseda/frenchFormat.js';

describe('French wording of the analysis', () => {
  it('writes dates with the weekday and "1er" for the first of the month', () => {
    expect(dateLongue('2027-03-01')).toBe('lundi 1er mars 2027');
    expect(dateLongue('2024-02-29')).toBe('jeudi 29 février 2024');
    expect(dateLongue('2026-08-15')).toBe('samedi 15 août 2026');
  });

  it('writes a Paris instant with "h" between hours and minutes', () => {
    expect(instantLong('2026-11-22T16:30:00+01:00')).toBe('dimanche 22 novembre 2026 à 16 h 30');
    expect(instantLong('2026-07-12T09:05:00+02:00')).toBe('dimanche 12 juillet 2026 à 09 h 05');
  });

  it('agrees numbers, elides "un" and uses the French decimal comma and percent', () => {
    expect(nombre(0, 'gagné', 'gagnés')).toBe('0 gagné');
    expect(nombre(1, 'gagné', 'gagnés')).toBe('1 gagné');
    expect(nombre(2, 'gagné', 'gagnés')).toBe('2 gagnés');
    expect(duree(1, 'mois', 'mois')).toBe('d’un mois');
    expect(duree(7, 'jour', 'jours')).toBe('de 7 jours');
    expect(decimal(0.183)).toBe('0,183');
    expect(pourcentage(0.35)).toBe('35 %');
    expect(listeEt(['a'])).toBe('a');
    expect(listeEt(['a', 'b', 'c'])).toBe('a, b et c');
  });
});
