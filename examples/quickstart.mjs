// Create three servers through the official JD Cloud JS SDK and watch them reach `running`.
// Run it next to a started server:  node examples/quickstart.mjs
//   endpoint:    EDCPS_ENDPOINT (default http://127.0.0.1:8000)
//   credentials: EDCPS_ACCESS_KEY_ID + EDCPS_SECRET_ACCESS_KEY, else ./data/credentials.json
// With the built-in catalog this takes about a minute; a server started with EDCPS_TIME_SCALE=0
// finishes at once. Needs `npm install jdcloud-sdk-js` (a dev dependency of this repository).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL } from 'node:url';

const require = createRequire(import.meta.url);
const EDCPS = require('jdcloud-sdk-js/src/repo/edcps/v1/edcps');
require('jdcloud-sdk-js/src/lib/core').config.logger = () => {}; // the SDK logs every request otherwise

const creds = process.env.EDCPS_ACCESS_KEY_ID
  ? { accessKeyId: process.env.EDCPS_ACCESS_KEY_ID, secretAccessKey: process.env.EDCPS_SECRET_ACCESS_KEY }
  : JSON.parse(fs.readFileSync('./data/credentials.json', 'utf8'));
const endpoint = new URL(process.env.EDCPS_ENDPOINT ?? 'http://127.0.0.1:8000');
const regionId = 'cn-east-tz1';
const client = new EDCPS({
  credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
  endpoint: { host: endpoint.host, protocol: endpoint.protocol.replace(':', '') },
  regionId,
});

const deviceType = 'edcps.c.normal1';
const { oss } = (await client.describeOS({ regionId, deviceType })).result;
const { raids } = (await client.describeDeviceRaids({ regionId, deviceType })).result;
const { instanceIds } = (
  await client.createInstances({
    regionId,
    clientToken: 'my-first-three', // run it again: the same three instances, not three more
    instanceSpec: {
      az: 'cn-east-tz1a',
      deviceType,
      imageType: 'standard',
      networkType: 'vpc',
      osTypeId: oss[0].osTypeId,
      sysRaidTypeId: raids.find((r) => r.volumeType === 'system').raidTypeId,
      dataRaidTypeId: raids.find((r) => r.volumeType === 'data').raidTypeId,
      name: 'web',
      count: 3,
      charge: { chargeMode: 'postpaid_by_duration' },
    },
  })
).result;
console.log('created', instanceIds.join(', '));

const deadline = Date.now() + 5 * 60_000;
for (const instanceId of instanceIds) {
  for (;;) {
    const { status } = (await client.describeInstance({ regionId, instanceId })).result.instance;
    if (status === 'running') {
      console.log(instanceId, status);
      break;
    }
    if (status === 'error' || Date.now() > deadline) throw new Error(`${instanceId} is ${status}`);
    await sleep(1000);
  }
}
