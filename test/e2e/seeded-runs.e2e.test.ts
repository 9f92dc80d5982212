import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/main.js';
import { createTestDatabase } from '../helpers/databases.js';
import { type EdcpsClient, sdkClient, startTestServer } from '../helpers/sdk.js';

/**
 * EDCPS_SEED (docs/testing.md): the same scenario run against two fresh servers with the same
 * seed sees the same ids, addresses and generated keys; without a seed, or with another one,
 * it does not. Servers run one after the other: the seed is process-wide.
 */

const AZ = 'cn-east-tz1a';
const POSTPAID = { chargeMode: 'postpaid_by_duration' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  /** Every id, address and key the scenario was given, in the order it was given them. */
  given: Record<string, unknown>;
  /** What describe* answers afterwards, times left out (they follow the wall clock). */
  described: Record<string, unknown>;
}

/** Drops the keys that follow the wall clock (…Time) so the rest can be compared whole. */
function withoutTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutTimes);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k]) => !/time$/i.test(k))
        .map(([k, x]) => [k, withoutTimes(x)]),
    );
  }
  return v;
}

async function untilRunning(sdk: EdcpsClient, ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await sdk.describeInstances({ filters: [{ name: 'instanceId', values: ids }] });
    const statuses = (r.result.instances as { status: string }[]).map((i) => i.status);
    if (statuses.length === ids.length && statuses.every((s) => s === 'running')) return;
    if (Date.now() > deadline) throw new Error(`instances still ${statuses.join(', ')} after 20 s`);
    await sleep(25);
  }
}

/** VPC, subnet, key pair, two instances with internet and the key, one more elastic IP; then describe all. */
async function scenario(seed: string | undefined): Promise<Run> {
  const s = await startTestServer(seed === undefined ? {} : { EDCPS_SEED: seed });
  try {
    const sdk = s.sdk('cn-east-tz1');
    const { vpcId } = (
      await sdk.createVpc({ vpcSpec: { cidr: '10.40.0.0/16', name: 'seed-vpc', description: 'seeded' } })
    ).result as { vpcId: string };
    const { subnetId } = (
      await sdk.createSubnet({
        subnetSpec: { az: AZ, vpcId, cidr: '10.40.1.0/24', name: 'seed-subnet', description: 'seeded' },
      })
    ).result as { subnetId: string };
    const keypair = (await sdk.createKeypairs({ name: 'seed-key' })).result;
    const { instanceIds } = (
      await sdk.createInstances({
        instanceSpec: {
          az: AZ,
          deviceType: 'edcps.c.normal1',
          imageType: 'standard',
          osTypeId: 'o-centos79x8664000000000000000',
          sysRaidTypeId: 'r-sysraid100000000000000000000',
          dataRaidTypeId: 'r-dataraid00000000000000000000',
          subnetId,
          networkType: 'vpc',
          enableInternet: 'yes',
          bandwidth: 5,
          keypairId: keypair.keypairId,
          name: 'seed-host',
          count: 2,
          charge: POSTPAID,
        },
      })
    ).result as { instanceIds: string[] };
    const { elasticIpIds } = (
      await sdk.applyElasticIps({ elasticIpSpec: { bandwidth: 5, count: 1, charge: POSTPAID } })
    ).result as { elasticIpIds: string[] };
    await untilRunning(sdk, instanceIds);

    // Lists are ordered by creation time, which runs do not share (two resources made in one
    // millisecond in one run, a millisecond apart in the other): compare them as sets.
    const list = async (op: string, key: string) =>
      ((await sdk[op]({ pageSize: 100 })).result[key] as unknown[])
        .map((x) => JSON.stringify(withoutTimes(x)))
        .sort();
    return {
      given: { vpcId, subnetId, keypair: withoutTimes(keypair), instanceIds, elasticIpIds },
      described: {
        vpcs: await list('describeVpcs', 'vpcs'),
        subnets: await list('describeSubnets', 'subnets'),
        keypairs: await list('describeKeypairs', 'keypairs'),
        instances: await list('describeInstances', 'instances'),
        elasticIps: await list('describeElasticIps', 'elasticIps'),
      },
    };
  } finally {
    await s.stop();
  }
}

const ids = (r: Run) => {
  const g = r.given as { vpcId: string; subnetId: string; instanceIds: string[]; elasticIpIds: string[] };
  const kp = g as unknown as { keypair: { keypairId: string; fingerPrint: string; privateKey: string } };
  return [
    g.vpcId,
    g.subnetId,
    kp.keypair.keypairId,
    kp.keypair.fingerPrint,
    kp.keypair.privateKey,
    ...g.instanceIds,
    ...g.elasticIpIds,
  ];
};

describe('EDCPS_SEED: deterministic runs', () => {
  it('two fresh servers with the same seed give the same ids, addresses and key pairs to the same calls', async () => {
    const a = await scenario('42');
    const b = await scenario('42');
    expect(b).toEqual(a);
    // The comparison covers what it should: ids of every kind, private and public addresses, keys.
    const inst = JSON.parse((a.described.instances as string[])[0]!) as {
      privateIp: string;
      elasticIpId: string;
      publicIp: string;
    };
    expect(inst.privateIp).toMatch(/^10\.40\.1\.\d+$/);
    expect(inst.elasticIpId).toMatch(/^fip-[a-z0-9]{28}$/);
    expect(inst.publicIp).not.toBe('');
    expect((a.described.elasticIps as unknown[]).length).toBe(3);
    for (const [i, v] of ids(a).entries()) expect(v, `value ${i}`).toBe(ids(b)[i]);
  }, 60_000);

  it('the seeded private key matches its public key and is RSA 2048', async () => {
    const kp = (await scenario('7')).given.keypair as { publicKey: string; privateKey: string };
    const priv = createPrivateKey(kp.privateKey);
    const pub = createPublicKey(priv);
    expect(pub.asymmetricKeyDetails).toEqual({ modulusLength: 2048, publicExponent: 65537n });
    const jwk = pub.export({ format: 'jwk' });
    const mp = (b64: string) => {
      let b = Buffer.from(b64, 'base64url');
      if (b[0] & 0x80) b = Buffer.concat([Buffer.of(0), b]);
      return sshString(b);
    };
    const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mp(jwk.e!), mp(jwk.n!)]);
    expect(kp.publicKey).toBe(`ssh-rsa ${blob.toString('base64')}`);
    const message = Buffer.from('edcps seeded');
    expect(verify('sha256', message, pub, sign('sha256', message, priv))).toBe(true);
  }, 60_000);

  it('without a seed, or with another seed, the same calls get other ids and keys', async () => {
    const seeded = ids(await scenario('42'));
    const other = ids(await scenario('43'));
    const unseeded1 = ids(await scenario(undefined));
    const unseeded2 = ids(await scenario(undefined));
    for (const [i, v] of seeded.entries()) {
      expect(other[i], `value ${i}`).not.toBe(v);
      expect(unseeded1[i], `value ${i}`).not.toBe(v);
      expect(unseeded2[i], `value ${i}`).not.toBe(unseeded1[i]);
    }
  }, 120_000);
});

describe('EDCPS_SEED on a database that already holds seeded ids', () => {
  it('a seeded server restarted on the same database draws new ids instead of repeating stored ones', async () => {
    const db = await createTestDatabase();
    const credentials = { accessKeyId: 'E2EACCESSKEY', secretAccessKey: 'e2e-secret-access-key' };
    const env = {
      EDCPS_DATA_DIR: db.dataDir,
      EDCPS_DATABASE_URL: db.url,
      EDCPS_ACCESS_KEY_ID: credentials.accessKeyId,
      EDCPS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      EDCPS_PORT: '0',
      EDCPS_TIME_SCALE: '0',
      EDCPS_LOG_LEVEL: 'silent',
      EDCPS_SEED: '42',
    };
    const vpcIds: string[] = [];
    try {
      for (let start = 0; start < 2; start++) {
        const server = await startServer(loadConfig(env));
        try {
          const sdk = sdkClient(server.url.replace(/^http:\/\//, ''), credentials);
          const r = await sdk.createVpc({
            vpcSpec: { cidr: '10.50.0.0/16', name: `v${start}`, description: '' },
          });
          vpcIds.push((r.result as { vpcId: string }).vpcId);
        } finally {
          await server.stop();
        }
      }
    } finally {
      await db.drop();
    }
    expect(vpcIds[1]).not.toBe(vpcIds[0]);
    // The first start on a fresh database is the one a fresh test server repeats.
    const fresh = await startTestServer({ EDCPS_SEED: '42' });
    try {
      const r = await fresh
        .sdk()
        .createVpc({ vpcSpec: { cidr: '10.50.0.0/16', name: 'v', description: '' } });
      expect((r.result as { vpcId: string }).vpcId).toBe(vpcIds[0]);
    } finally {
      await fresh.stop();
    }
  }, 60_000);
});

function sshString(data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}
