import { createHash, randomBytes } from 'node:crypto';
import { sha256Hex } from '../../auth/canonical.js';
import { type BootProfile, DEFAULT_INSTALL_TIMEOUT_SECONDS } from '../catalog/catalog-file.js';
import type { Deps } from '../deps.js';
import { formatIp, parseCidr } from '../network/ipv4.js';
import * as repo from '../../store/repositories/deployments-repo.js';
import { macsOf } from '../../store/repositories/bmc-repo.js';
import { installIdentityOf } from './install-target.js';
import { normalizeMac } from './mac.js';
import type { SeedData, SeedNic } from './seed-data.js';
import { sha512Crypt } from './sha512-crypt.js';

export type DeploymentPurpose = 'install' | 'clean';

export interface IpxeAnswer {
  status: 200 | 400 | 404;
  script: string;
}

const hashToken = sha256Hex;

/** `SHA256:…` of an OpenSSH public key line, as `ssh-keygen -l` prints it; '' when it is not one. */
function fingerprint(line: string): string {
  const blob = line.trim().split(/\s+/)[1];
  if (!blob || !/^[A-Za-z0-9+/]+=*$/.test(blob)) return '';
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

const ipxe = (...lines: string[]): string => ['#!ipxe', ...lines, ''].join('\n');
/** iPXE `echo` text: no line breaks, and no `${` that iPXE would expand. */
const said = (text: string): string => text.replace(/[\r\n]/g, ' ').replace(/\$\{/g, '$ {');

/**
 * Network-boot deployments of driven machines (issue 13): the install step begins one, the
 * machine's iPXE request mints its token (≥ 256 random bits, only its SHA-256 is stored), the
 * NoCloud seed is served for that token while the deployment is in progress, and the machine's
 * phone-home completes it — erasing the sealed password and user data and killing the token.
 */
export function createDeploymentService(deps: Pick<Deps, 'store' | 'catalog' | 'secrets' | 'clock'>) {
  const db = deps.store.db;

  const profileOf = (purpose: DeploymentPurpose, osTypeId: string): BootProfile | undefined =>
    purpose === 'clean'
      ? deps.catalog.cleaning
      : deps.catalog.osImages.find((o) => o.osTypeId === osTypeId)?.boot;

  type SeedSource = NonNullable<Awaited<ReturnType<typeof repo.seedSourceOf>>>;

  /** The NICs of an instance's machine as its installed system is to configure them. */
  async function nicsOf(inst: SeedSource): Promise<SeedNic[]> {
    if (!inst.device_id) return [];
    const instanceId = inst.id;
    const macs = (await macsOf(db, [inst.device_id])).get(inst.device_id) ?? [];
    const cidrs = await repo.subnetCidrs(db, [inst.subnet_id, inst.extension_subnet_id]);
    const aliases = await repo.aliasRangesOf(db, instanceId);
    const nic = (i: number, subnetId: string, address: string, gateway: boolean): SeedNic[] => {
      const c = parseCidr(cidrs.get(subnetId) ?? '');
      if (!macs[i] || !c || address === '') return [];
      return [
        {
          mac: macs[i]!,
          name: `eth${i}`,
          address,
          prefix: c.prefix,
          gateway: gateway ? formatIp(c.base + 1) : '',
          aliases: aliases.filter((a) => a.nic === (i === 0 ? 'primary' : 'extension')).map((a) => a.cidr),
        },
      ];
    };
    return [
      ...nic(0, inst.subnet_id, inst.private_ip, true),
      ...nic(1, inst.extension_subnet_id, inst.extension_private_ip, false),
    ];
  }

  return {
    profileOf,

    /** Starts (or restarts, for a retry) the deployment `id`; its deadline follows the profile. */
    async begin(p: {
      id: string;
      purpose: DeploymentPurpose;
      instanceId: string;
      deviceId: string;
      osTypeId: string;
    }) {
      const profile = profileOf(p.purpose, p.osTypeId);
      const now = Date.now();
      const seconds = profile?.installTimeoutSeconds ?? DEFAULT_INSTALL_TIMEOUT_SECONDS;
      await repo.beginDeployment(db, {
        id: p.id,
        instance_id: p.instanceId,
        device_id: p.deviceId,
        purpose: p.purpose,
        os_type_id: p.osTypeId,
        started_at: now,
        deadline_at: now + seconds * 1000,
      });
      return { deadlineAt: now + seconds * 1000, timeoutSeconds: seconds };
    },

    status: (id: string) => repo.findDeployment(db, id),

    /** The iPXE script for a machine by one of its MACs. */
    async ipxe(macText: string, bootBase: string): Promise<IpxeAnswer> {
      const mac = normalizeMac(macText);
      if (mac === undefined) {
        return { status: 400, script: ipxe(`echo edcps: "${said(macText)}" is not a MAC address`, 'exit') };
      }
      const device = await repo.deviceOfMac(db, mac);
      if (!device) {
        return {
          status: 404,
          script: ipxe(`echo edcps: no device has MAC ${mac} (enroll it: edcps devices add --mac)`, 'exit'),
        };
      }
      const d = await repo.liveDeploymentOf(db, device.id, Date.now());
      const profile = d ? profileOf(d.purpose, d.os_type_id) : undefined;
      if (!d || !profile) {
        return {
          status: 200,
          script: ipxe(`echo edcps: nothing to install on ${device.serial}; booting from disk`, 'exit'),
        };
      }
      // A fresh token for every script: a repeated boot makes the earlier seed URL dead.
      const token = randomBytes(32).toString('base64url');
      if (!(await repo.setDeploymentToken(db, d.id, hashToken(token)))) {
        return {
          status: 200,
          script: ipxe(`echo edcps: nothing to install on ${device.serial}; booting from disk`, 'exit'),
        };
      }
      const seed = `${bootBase}/boot/v1/seed/${token}/`;
      return {
        status: 200,
        script: ipxe(
          `echo edcps: ${d.purpose === 'clean' ? 'cleaning' : 'installing'} ${device.serial} (${d.instance_id})`,
          // dsmode=net: cloud-init before 24.1 (Debian 12 has 22.4) otherwise reads an http seed
          // in its local stage, before the network is up, and then applies nothing.
          `kernel ${profile.kernel} ${profile.args} ds=nocloud;s=${seed};dsmode=net`
            .replace(/\s+/g, ' ')
            .trim(),
          ...profile.initrd.map((u) => `initrd ${u}`),
          'boot',
        ),
      };
    },

    /**
     * The seed of a live token, or undefined (unknown, used, expired, or secrets that cannot be
     * opened under this master key). `credentials: false` leaves out the password hash and user
     * data (files that do not carry them need neither the unsealing nor the 5,000-round hash).
     */
    async seed(
      token: string,
      bootBase: string,
      o: { credentials?: boolean } = {},
    ): Promise<SeedData | undefined> {
      const d = await repo.deploymentByToken(db, hashToken(token), Date.now());
      if (!d) return undefined;
      const inst = await repo.seedSourceOf(db, d.instance_id);
      if (!inst?.device_id) return undefined;
      const nics = await nicsOf(inst);
      const phoneHomeUrl = `${bootBase}/boot/v1/phone-home/${token}`;
      if (d.purpose === 'clean') {
        // A cleaning image gets the network and nothing of the tenant's.
        return {
          instanceId: `clean-${d.device_id}`,
          hostname: `clean-${d.device_id}`,
          sshAuthorizedKeys: [],
          passwordHash: undefined,
          userData: '',
          phoneHomeUrl,
          nics,
          nameservers: [],
        };
      }
      // A reinstall installs its own target: hostname and key pair as the request gave them.
      const { hostname, keypairId } = installIdentityOf(inst);
      let secrets: { password?: string; userData?: string } = {};
      if (o.credentials !== false && inst.secrets_sealed !== null) {
        try {
          secrets = JSON.parse(deps.secrets.open(inst.secrets_sealed)) as typeof secrets;
        } catch {
          return undefined; // sealed under another master key: nothing to serve
        }
      }
      const key = await repo.publicKeyOf(db, keypairId);
      return {
        instanceId: d.instance_id,
        hostname,
        sshAuthorizedKeys: key ? [key] : [],
        passwordHash: secrets.password ? sha512Crypt(secrets.password) : undefined,
        userData: secrets.userData ? Buffer.from(secrets.userData, 'base64').toString('utf8') : '',
        phoneHomeUrl,
        nics,
        nameservers: [],
      };
    },

    /**
     * cloud-init's phone_home post for a live token: completes the deployment once, records the
     * host keys' fingerprints, erases the instance's sealed secrets (an install) and wakes its
     * waiting step. False for an unknown, used or expired token.
     */
    async phoneHome(token: string, form: Record<string, string>): Promise<boolean> {
      const hash = hashToken(token);
      const d = await repo.deploymentByToken(db, hash, Date.now());
      if (!d) return false;
      const keys = Object.entries(form)
        .filter(([k, v]) => k.startsWith('pub_key_') && v.trim() !== '')
        .map(([k, v]) => ({ type: k.slice('pub_key_'.length), fingerprint: fingerprint(v) }))
        .filter((k) => k.fingerprint !== '');
      const report = JSON.stringify({ hostname: form.hostname ?? '', hostKeys: keys });
      const done = await deps.store.transaction(async (tx) => {
        if (!(await repo.completeDeployment(tx, { id: d.id, tokenHash: hash, report, now: Date.now() })))
          return false;
        if (d.purpose === 'install') await repo.eraseSecrets(tx, d.instance_id);
        await repo.wakeInstance(tx, d.instance_id, deps.clock.now());
        return true;
      });
      return done;
    },
  };
}

export type DeploymentService = ReturnType<typeof createDeploymentService>;

/** The host key fingerprints a completed deployment recorded, for its step's event. */
export function reportedHostKeys(report: string): string {
  try {
    const r = JSON.parse(report) as { hostKeys?: { type: string; fingerprint: string }[] };
    return (r.hostKeys ?? []).map((k) => `${k.type} ${k.fingerprint}`).join(', ');
  } catch {
    return '';
  }
}
