// The baseline every figure is divided by: a bare Fastify 5 server with two GET and one PUT
// handler, no database, no signature check, no logging. Run as its own process, exactly like the
// edcps server it is compared with.
//
// The GET handlers answer the very bytes the edcps server under measurement answered for the
// same request (the bench sets them with PUT /bench/answers): a page of 20 instances is some
// 20 KB, and what the kernel and the client spend moving it is the same whichever server sent
// it. With `?envelope=small` (and before the answers are set) they answer a ~100-byte envelope
// instead, the baseline of the runs before 2026-11-26, still measured for comparison. The list
// route answers the filtered pages too (a status filter, a name filter), each with its own bytes.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
let n = 0;
const envelope = (result) => ({ requestId: `bare${String(++n).padStart(28, '0')}`, result });
/** @type {{ list?: string, one?: string, listStatus?: string, listName?: string }} */
let answers = {};
app.put('/bench/answers', { bodyLimit: 16 * 1024 * 1024 }, async (req) => {
  answers = req.body;
  return Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v.length]));
});
/** The page edcps answered for the same filters: `name=…`, `filters.1.name=status`, or none. */
const pageFor = (q) =>
  q.name !== undefined
    ? answers.listName
    : q['filters.1.name'] === 'status'
      ? answers.listStatus
      : answers.list;
const same = (req, reply, text, small) =>
  text !== undefined && req.query.envelope !== 'small'
    ? reply.type('application/json; charset=utf-8').send(text)
    : envelope(small);
app.get('/v1/regions/:regionId/instances', async (req, reply) =>
  same(req, reply, pageFor(req.query), { instances: [], pageNumber: 1, pageSize: 20, totalCount: 0 }),
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
