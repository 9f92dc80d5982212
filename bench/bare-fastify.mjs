// The baseline every figure is divided by: a bare Fastify 5 server with one GET and one PUT
// handler that answer a small JD-shaped envelope, no database, no signature check, no logging.
// Run as its own process, exactly like the edcps server it is compared with.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
let n = 0;
const envelope = (result) => ({ requestId: `bare${String(++n).padStart(28, '0')}`, result });
app.get('/v1/regions/:regionId/instances', async () =>
  envelope({ instances: [], pageNumber: 1, pageSize: 20, totalCount: 0 }),
);
app.get('/v1/regions/:regionId/instances/:instanceId', async (req) =>
  envelope({ instance: { instanceId: req.params.instanceId } }),
);
app.put('/v1/regions/:regionId/instances', async (req) =>
  envelope({ instanceIds: [String(req.body?.clientToken ?? '')] }),
);
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`listening ${app.server.address().port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
