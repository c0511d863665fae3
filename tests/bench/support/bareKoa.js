// The baseline for the ingest benchmark: a bare Koa route on the same HTTP stack, reading the
// same body and answering 202 with a small JSON — no verification, no storage.
import http from 'node:http';
import Koa from 'koa';

const app = new Koa();
app.use(async (ctx) => {
  let size = 0;
  for await (const chunk of ctx.req) size += chunk.length;
  ctx.status = 202;
  ctx.body = { accepted: true, heartbeatIntervalSeconds: 900, size };
});
const server = http.createServer(app.callback());
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port: server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
