/**
 * The cabinet's details as its invoices print them (name, address, SIRET, VAT number, e-mail,
 * phone): the drafts page links here when a mandatory mention is missing (art. 242 nonies A annexe
 * II CGI). Issued invoices keep the details they were issued with; a change applies to the next ones.
 */
import { CsrfField, FormErrors } from '../components.js';

export const CONTACT_INPUTS = [
  { name: 'name', label: 'Raison sociale', hint: 'Telle qu’elle figure sur les factures.', required: true },
  { name: 'address', label: 'Adresse', hint: 'Adresse complète, obligatoire sur une facture.', required: false },
  { name: 'siret', label: 'SIRET', hint: '14 chiffres ; ses 9 premiers (le SIREN) figurent sur les factures.', required: false },
  {
    name: 'vatNumber',
    label: 'N° de TVA intracommunautaire',
    hint: 'FR, la clé à 2 chiffres et le SIREN, par exemple FR44732829320.',
    required: false,
  },
  { name: 'email', label: 'E-mail', hint: '', required: false },
  { name: 'phone', label: 'Téléphone', hint: '', required: false },
] as const;

export type ContactInput = (typeof CONTACT_INPUTS)[number]['name'];

export interface ContactFormState {
  errors: string[];
  values: Record<ContactInput, string>;
}

export function CabinetContactForm({ id, form, csrf }: { id: string; form: ContactFormState; csrf: string | null }) {
  return (
    <form method="post" action={`/cabinets/${encodeURIComponent(id)}/coordonnees`}>
      <CsrfField token={csrf} />
      <FormErrors messages={form.errors} />
      {CONTACT_INPUTS.map((f) => (
        <div class="field">
          <label for={`f-contact-${f.name}`}>{f.label}</label>
          <input
            id={`f-contact-${f.name}`}
            name={f.name}
            type="text"
            inputMode={f.name === 'email' ? 'email' : undefined}
            value={form.values[f.name]}
            required={f.required}
            aria-describedby={f.hint ? `f-contact-${f.name}-hint` : undefined}
          />
          {f.hint ? (
            <p class="hint" id={`f-contact-${f.name}-hint`}>
              {f.hint}
            </p>
          ) : null}
        </div>
      ))}
      <p class="hint">Un champ vidé est effacé. Les factures déjà émises gardent les coordonnées de leur émission.</p>
      <button type="submit" class="button">
        Enregistrer les coordonnées
      </button>
    </form>
  );
}
