/** `/alertes`: quarantined record files first (critical), then the recorded status transitions of the fleet, newest first. */
import type Router from '@koa/router';
import { parseWith } from '@iamanager/protocol';
import { currentAdmin } from '../../auth/authenticate.js';
import { authorize } from '../../auth/policies.js';
import { latestApplianceVersion } from '../../domain/fleet.js';
import { alertQuerySchema } from '../../domain/fleetFields.js';
import { quarantineAlerts } from '../../domain/quarantine.js';
import type { ReasonCode } from '../../domain/fleetStatus.js';
import { chromeOf } from '../chrome.js';
import type { DashboardPage } from '../dashboardPage.js';
import { changeText, reasonText } from '../labels.js';
import { AlertsPage } from '../pages/alerts.js';
import { sendPage } from '../render.js';

const LIMIT = 200;

export const alertsPage: DashboardPage = {
  nav: { href: '/alertes', label: 'Alertes', action: 'read' },
  mount(router: Router, deps) {
    const { cp } = deps;
    router.get('/alertes', async (ctx) => {
      authorize(currentAdmin(ctx), 'read');
      const q = parseWith(alertQuerySchema, { status: ctx.query.status, limit: String(LIMIT) }, 'query');
      const latest = latestApplianceVersion(cp);
      // One read of the cabinet store for the whole list.
      const cabinets = new Map((await cp.cabinets.list()).map((c) => [c.id, c]));
      const rows = (await cp.monitor.alerts(q)).map((a) => ({
        at: a.at,
        cabinetId: a.cabinetId,
        cabinetName: cabinets.get(a.cabinetId)?.name ?? a.cabinetId,
        applianceId: a.applianceId,
        from: a.from,
        to: a.to,
        what: changeText(a.raised, a.cleared),
        reasons: a.reasons.map((r) => ({
          text: reasonText({ code: r.code as ReasonCode, value: r.value }, cp.config.fleet, latest),
          since: r.since,
        })),
      }));
      sendPage(
        ctx,
        <AlertsPage
          chrome={chromeOf(deps, ctx)}
          rows={rows}
          storage={quarantineAlerts(cp.quarantine)}
          status={q.status ?? ''}
          limit={LIMIT}
        />,
      );
    });
  },
};
