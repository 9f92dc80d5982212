import { spawn } from 'node:child_process';
import { BmcError, type BmcClient, type PowerReading } from '../bmc.js';

export interface IpmiBmcOptions {
  host: string;
  port: number;
  username: string;
  password: string;
  /** The ipmitool executable (a name looked up in `searchPath`, or a path). */
  ipmitool: string;
  /** PATH for the child process: the only variable besides the password it is given. */
  searchPath: string;
  /** lanplus cipher suite (`-C`); undefined = ipmitool's default. */
  cipherSuite: number | undefined;
  timeoutMs: number;
}

/**
 * What `ipmitool -v` prints when the RMCP+ handshake refuses the credentials (RAKP 2 HMAC for a
 * wrong password, "unauthorized name" for an unknown user). Without -v ipmitool says only
 * "Unable to establish IPMI v2 / RMCP+ session", as it does for a BMC that never answers.
 */
const AUTH_REFUSED = /RAKP \d+ HMAC is invalid|unauthori[sz]ed name|insufficient privilege/i;
const CIPHER_REFUSED =
  /invalid authentication algorithm|invalid integrity algorithm|invalid confidentiality algorithm/i;
const NO_ANSWER =
  /unable to establish|no response|get auth capabilities error|timeout|timed out|connection refused/i;
/** -v lines that are progress, not a diagnosis. */
const CHATTER =
  /^(Loading IANA|Running Get|Discovered IPMB|Invalid completion code received: Invalid command)/;

/**
 * An IPMI 2.0 BMC through Debian's `ipmitool -I lanplus`. The password reaches ipmitool only
 * through its environment (`-E` reads IPMI_PASSWORD): a command line is visible to every user
 * of the machine in `ps`. Each call is one ipmitool process, killed after `timeoutMs`.
 */
export function createIpmiBmc(o: IpmiBmcOptions): BmcClient {
  const key = `${o.host}:${o.port}`;
  const fail = (kind: ConstructorParameters<typeof BmcError>[0], cause: string) =>
    new BmcError(kind, key, cause);

  function ipmitool(args: readonly string[]): Promise<string> {
    const retrySeconds = Math.max(1, Math.floor(o.timeoutMs / 3000));
    const argv = [
      '-I',
      'lanplus',
      '-H',
      o.host,
      '-p',
      String(o.port),
      '-U',
      o.username,
      '-E',
      '-v',
      ...(o.cipherSuite === undefined ? [] : ['-C', String(o.cipherSuite)]),
      '-N',
      String(retrySeconds),
      '-R',
      '2',
      ...args,
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(o.ipmitool, argv, {
        env: { PATH: o.searchPath, IPMI_PASSWORD: o.password },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      let timedOut = false;
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, o.timeoutMs);
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          e.code === 'ENOENT'
            ? fail('missing-tool', `${o.ipmitool} not found: install Debian's ipmitool package`)
            : fail('protocol', `could not run ${o.ipmitool} (${e.code ?? e.message})`),
        );
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (timedOut) return reject(fail('timeout', `no answer within ${Math.round(o.timeoutMs / 1000)} s`));
        // Some failures (e.g. "Set Chassis Boot Parameter 5 failed: …") still exit 0.
        if (code === 0 && !/ failed:/i.test(err)) return resolve(out);
        const lines = err
          .split('\n')
          .map((l) => l.replace(/^>\s*/, '').trim())
          .filter((l) => l !== '' && !CHATTER.test(l) && !l.includes(o.password));
        const said = lines.slice(0, 3).join('; ').slice(0, 240) || `exit ${code}`;
        if (AUTH_REFUSED.test(err)) {
          return reject(
            fail('auth', `authentication failed (${said}); check the BMC user name and password`),
          );
        }
        if (CIPHER_REFUSED.test(err)) {
          return reject(
            fail(
              'auth',
              `the BMC refused the cipher suite (${said}); set EDCPS_IPMI_CIPHER_SUITE (3 is widely supported)`,
            ),
          );
        }
        if (NO_ANSWER.test(err)) return reject(fail('unreachable', `no IPMI session: ${said}`));
        if (/not supported|invalid command|unknown/i.test(err)) return reject(fail('unsupported', said));
        reject(fail('server', said));
      });
    });
  }

  async function power(): Promise<PowerReading> {
    const out = await ipmitool(['chassis', 'power', 'status']);
    if (/power is on/i.test(out)) return 'on';
    if (/power is off/i.test(out)) return 'off';
    throw fail('protocol', `unexpected power status: ${out.trim().slice(0, 80)}`);
  }

  return {
    key,
    protocol: 'ipmi',
    power,
    async setPower(target) {
      const now = await power();
      if (target === 'on' ? now === 'on' : now === 'off') return;
      await ipmitool(['chassis', 'power', target]);
    },
    async cycle() {
      await ipmitool(['chassis', 'power', (await power()) === 'off' ? 'on' : 'cycle']);
    },
    async setOneTimeNetworkBoot(mode) {
      // ipmitool's bootdev sets the boot flags valid for the next boot only unless told "persistent".
      await ipmitool(['chassis', 'bootdev', 'pxe', ...(mode === 'uefi' ? ['options=efiboot'] : [])]);
    },
    async bootOverrideSupport() {
      try {
        const out = await ipmitool(['chassis', 'bootparam', 'get', '5']);
        const flags = /Boot Device Selector\s*:\s*(.+)/i.exec(out)?.[1]?.trim();
        return {
          supported: true,
          detail: flags ? `boot flags readable (device: ${flags})` : 'boot flags readable',
        };
      } catch (e) {
        if (e instanceof BmcError && e.kind === 'unsupported') return { supported: false, detail: e.message };
        throw e;
      }
    },
    close: async () => undefined,
  };
}
