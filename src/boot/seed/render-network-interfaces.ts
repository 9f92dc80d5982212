import { assertSeedInput, type SeedInput } from './seed-input.js';

/**
 * The same network configuration as renderNetworkConfig, as the ENI (`interfaces(5)`) text
 * NoCloud reads from meta-data's `network-interfaces` key. cloud-init before 24.3 does not
 * fetch `network-config` from a seed URL but does apply this (converted by its own ENI
 * parser, whatever the distro's renderer). `hwaddress` makes cloud-init match the NIC by MAC
 * and rename it; each alias range is an alias stanza (`eth0:0`), which cloud-init folds into
 * the NIC's addresses. Throws SeedInputError for an invalid input.
 */
export function renderNetworkInterfaces(i: SeedInput): string {
  assertSeedInput(i);
  const stanzas: string[] = [];
  i.nics.forEach((nic, n) => {
    const lines = [
      `auto ${nic.name}`,
      `iface ${nic.name} inet static`,
      `    hwaddress ether ${nic.mac}`,
      `    address ${nic.address}/${nic.prefix}`,
    ];
    if (nic.gateway !== '') lines.push(`    gateway ${nic.gateway}`);
    if (n === 0 && i.nameservers.length > 0) lines.push(`    dns-nameservers ${i.nameservers.join(' ')}`);
    stanzas.push(lines.join('\n'));
    nic.aliases.forEach((cidr, k) => {
      stanzas.push(
        [`auto ${nic.name}:${k}`, `iface ${nic.name}:${k} inet static`, `    address ${cidr}`].join('\n'),
      );
    });
  });
  return `${stanzas.join('\n\n')}\n`;
}
