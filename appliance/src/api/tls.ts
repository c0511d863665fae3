/** `/ca.crt`: the appliance's CA, to install in the cabinet's browsers. */
import Router from '@koa/router';
import { sendDownload } from '@iamanager/kernel/web';
import type { Appliance } from '../appliance.js';
import { ApplianceError } from '../errors.js';

export function tlsRoutes(appliance: Appliance): Router {
  const router = new Router();
  router.get('/ca.crt', (ctx) => {
    const material = appliance.tls.material();
    if (!material?.ca) throw new ApplianceError('not_found', 'this appliance serves an imported certificate: no local CA to download');
    sendDownload(ctx, { filename: 'iamanager-ca.crt', contentType: 'application/x-x509-ca-cert', content: material.ca });
  });
  return router;
}
