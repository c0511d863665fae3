/**
 * A case's facts as a draft lists them: the questionnaire's French label and answer
 * (factLabels.ts), dates written as a French letter writes them. Passed to the drafting domain,
 * which cannot read the web's catalogue itself.
 */
import { dateLongue } from '../domain/ceseda/frenchFormat.js';
import { factLabel, factValueLabel, type FactKey } from './factLabels.js';

export function describeFactFr(key: string, value: unknown): { label: string; value: string } | null {
  if (value === undefined || value === null || value === '') return null;
  const label = factLabel(key as FactKey, 'fr') as string | undefined;
  if (label === undefined) return null;
  const text =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
      ? dateLongue(value).replace(/^\S+ /, '')
      : factValueLabel(key as FactKey, value, 'fr');
  return { label, value: text };
}
