import { assertSeedInput, type SeedInput } from './seed-input.js';
import { seedYaml } from './seed-yaml.js';

/**
 * What phone_home posts. `post: all` would add pub_key_dsa, whose host key modern OpenSSH no
 * longer makes (cloud-init then posts "N/A"); the rest identifies the machine and reports
 * every host key it can have, so edcps can show fingerprints.
 */
export const PHONE_HOME_POST = [
  'instance_id',
  'hostname',
  'fqdn',
  'pub_key_rsa',
  'pub_key_ecdsa',
  'pub_key_ed25519',
] as const;

/**
 * edcps's own cloud-config (the text, starting `#cloud-config`), valid against the schema of
 * cloud-init 22.4 and later. Throws SeedInputError for an invalid input.
 *
 * - `hostname` with `preserve_hostname: false`: cloud-init sets it at every boot from this.
 * - `ssh_authorized_keys` (omitted when there are none: the schema wants at least one) go to
 *   the default user, and with `disable_root: false` also to root unprefixed.
 * - The password is root's, given as its SHA-512 crypt hash through
 *   `chpasswd.users: [{name: root, password, type: hash}]`. `type` is lowercase: the schema
 *   and cc_set_passwords know only `hash`/`text`/`RANDOM`, and an unknown type is silently
 *   skipped. `expire: false`, because since 22.3 expiry applies to hashed passwords too and
 *   would force a change at first login. `ssh_pwauth: true` only then; without a password
 *   the image's SSH setting is left alone. The default user (whose name only the image
 *   knows) gets no password: naming it through `user:` makes cloud-init fail on images
 *   without a default user.
 * - `phone_home` POSTs to `phoneHomeUrl` once cloud-init has finished (`tries: 10`).
 */
export function edcpsCloudConfig(i: SeedInput): string {
  assertSeedInput(i);
  const config: Record<string, unknown> = { hostname: i.hostname, preserve_hostname: false };
  if (i.sshAuthorizedKeys.length > 0) config.ssh_authorized_keys = [...i.sshAuthorizedKeys];
  config.disable_root = false;
  if (i.passwordHash !== undefined) {
    config.chpasswd = { expire: false, users: [{ name: 'root', password: i.passwordHash, type: 'hash' }] };
    config.ssh_pwauth = true;
  }
  config.phone_home = { url: i.phoneHomeUrl, post: [...PHONE_HOME_POST], tries: 10 };
  return `#cloud-config\n${seedYaml(config)}`;
}
