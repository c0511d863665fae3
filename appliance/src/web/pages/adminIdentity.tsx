/** `/admin/identite`: the cabinet's name, SIRET, address, colour and logo (set at install: see the hint). */
import { CATALOGUES } from '../messages.js';
import { ADMIN_TEXTS } from '../adminMessages.js';
import type { AdminView, Chrome } from '../viewModels.js';
import { AdminLayout } from './adminNav.js';

export function AdminIdentityPage({ chrome, identity }: { chrome: Chrome; identity: AdminView['identity'] }) {
  const m = CATALOGUES[chrome.locale];
  return (
    <AdminLayout chrome={chrome} title={ADMIN_TEXTS[chrome.locale].identity}>
      <section class="card" aria-labelledby="identity-title" id="identite">
        <h2 id="identity-title">{m.identityTitle}</h2>
        <dl class="facts">
          <dt>{m.cabinetName}</dt>
          <dd>{identity.name}</dd>
          <dt>{m.siret}</dt>
          <dd>{identity.siret ?? '—'}</dd>
          <dt>{m.address}</dt>
          <dd>{identity.address ?? '—'}</dd>
          <dt>{m.colour}</dt>
          <dd>
            <span class="swatch" aria-hidden="true" /> {identity.color}
          </dd>
          <dt>{m.logo}</dt>
          <dd>{identity.logoUrl ? <img src={identity.logoUrl} alt={identity.name} class="logo-preview" /> : '—'}</dd>
        </dl>
        <p class="hint">{m.identityHelp}</p>
      </section>
    </AdminLayout>
  );
}
