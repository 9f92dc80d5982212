// The baseline every figure is divided by: a bare Fastify 5 server with two GET and one PUT
// handler, no database, no signature check, no logging. Run as its own process, exactly like the
// edcps server it is compared with.
//
// The GET handlers answer the very bytes the edcps server under measurement answered for the
// same request (the bench sets them with PUT /bench/answers): a page of 20 instances is some
// 20 KB, and what the kernel and the client spend moving it is the same whichever server sent
// it. With `?envelope=small` (and before the answers are set) they answer a ~100-byte envelope
// instead, the baseline of the runs before 2026-11-26, still measured for comparison.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
let n = 0;
const envelope = (result) => ({ requestId: `bare${String(++n).padStart(28, '0')}`, result });
/** @type {{ list?: string, one?: string }} */
let answers = {};
app.put('/bench/answers', async (req) => {
  answers = req.body;
  return { list: answers.list?.length ?? 0, one: answers.one?.length ?? 0 };
});
const same = (req, reply, text, small) =>
  text !== undefined && req.query.envelope !== 'small'
    ? reply.type('application/json; charset=utf-8').send(text)
    : envelope(small);
app.get('/v1/regions/:regionId/instances', async (req, reply) =>
  same(req, reply, answers.list, { instances: [], pageNumber: 1, pageSize: 20, totalCount: 0 }),
);
app.get('/v1/regions/:regionId/instances/:instanceId', async (req, reply) =>
  same(req, reply, answers.one, { instance: { instanceId: req.params.instanceId } }),
);
app.put('/v1/regions/:regionId/instances', async (req) =>
  envelope({ instanceIds: [String(req.body?.clientToken ?? '')] }),
);
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`listening ${app.server.address().port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
