import { assertSeedInput, type SeedInput } from './seed-input.js';
import { seedYaml } from './seed-yaml.js';

/**
 * The NoCloud `network-config` document: network config version 2, one `ethernets` entry
 * per NIC keyed by its name, matched by MAC and renamed to that name, statically addressed
 * (`dhcp4: false`) with its address and alias ranges. Throws SeedInputError for an invalid
 * input.
 *
 * - The default route is `routes: [{to: 0.0.0.0/0, via}]` on the NIC with a gateway:
 *   `gateway4` is deprecated in netplan, and cloud-init 22.4 (Debian 12's) refuses
 *   `to: default` when it renders ENI or networkd ("Address default is not a valid ip").
 * - Nameservers go on the primary NIC only: systemd-resolved sends a link's DNS queries out
 *   of that link, and extension NICs have no route to the resolvers.
 * - cloud-init fetches this document from a seed URL only from 24.3 on (and Ubuntu's stable
 *   releases patch that out); older ones read `network-interfaces` from meta-data instead,
 *   which renderMetaData fills with the same configuration.
 */
export function renderNetworkConfig(i: SeedInput): string {
  assertSeedInput(i);
  const ethernets: Record<string, unknown> = {};
  i.nics.forEach((nic, n) => {
    ethernets[nic.name] = {
      match: { macaddress: nic.mac },
      'set-name': nic.name,
      dhcp4: false,
      addresses: [`${nic.address}/${nic.prefix}`, ...nic.aliases],
      ...(nic.gateway === '' ? {} : { routes: [{ to: '0.0.0.0/0', via: nic.gateway }] }),
      ...(n === 0 && i.nameservers.length > 0 ? { nameservers: { addresses: [...i.nameservers] } } : {}),
    };
  });
  return seedYaml({ version: 2, ethernets });
}
