/**
 * `/admin/messagerie` and `/admin/assistance`: the mail server's section (mailSection.tsx) and the
 * support bundle's (supportBundle.tsx), each on its own page of the administration.
 */
import { ADMIN_TEXTS } from '../adminMessages.js';
import type { Chrome, MailView } from '../viewModels.js';
import { AdminLayout } from './adminNav.js';
import { MailSection } from './mailSection.js';
import { SupportBundleSection } from './supportBundle.js';

export function AdminMailPage({ chrome, mail }: { chrome: Chrome; mail: MailView }) {
  return (
    <AdminLayout chrome={chrome} title={ADMIN_TEXTS[chrome.locale].mail}>
      <MailSection chrome={chrome} mail={mail} />
    </AdminLayout>
  );
}

export function AdminSupportPage({ chrome }: { chrome: Chrome }) {
  return (
    <AdminLayout chrome={chrome} title={ADMIN_TEXTS[chrome.locale].support}>
      <SupportBundleSection chrome={chrome} />
    </AdminLayout>
  );
}
