/** `/ca.crt`: the appliance's CA, to install in the cabinet's browsers. */
import Router from '@koa/router';
import type { Appliance } from '../appliance.js';
import { ApplianceError } from '../errors.js';

export function tlsRoutes(appliance: Appliance): Router {
  const router = new Router();
  router.get('/ca.crt', (ctx) => {
    const material = appliance.tls.material();
    if (!material?.ca) throw new ApplianceError('not_found', 'this appliance serves an imported certificate: no local CA to download');
    ctx.set('Content-Type', 'application/x-x509-ca-cert');
    ctx.set('Content-Disposition', 'attachment; filename="iamanager-ca.crt"');
    ctx.body = material.ca;
  });
  return router;
}
