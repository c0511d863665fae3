/**
 * `npm start`: a local demo. Starts the control plane on port 4000 and the seed's three cabinet
 * appliances on 5001–5003, all on embedded storage under ./data/demo, enrolls and seeds them,
 * prints the URLs and logins, and runs until Ctrl-C. Not part of either service's package: it
 * drives their compiled commands as an operator would.
 */
import { describeDemo, seedDemo, startDemoControlPlane } from './demoControlPlane.js';
import { describeAppliances, startDemoAppliances, type DemoAppliance } from './demoAppliances.js';

const controlPlane = await startDemoControlPlane();
const appliances: DemoAppliance[] = [];
const stopAll = async () => {
  await Promise.all(appliances.map((a) => a.process.stop()));
  return controlPlane.process.stop();
};
const stop = () => {
  void stopAll().then((code) => process.exit(code ?? 0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
try {
  const seed = await seedDemo(controlPlane.dataDir);
  appliances.push(...(await startDemoAppliances(controlPlane.url, seed)));
  console.log(describeDemo(controlPlane, seed) + describeAppliances(appliances));
} catch (err) {
  console.error(`demo: ${(err as Error).message}`);
  await stopAll();
  process.exit(1);
}
