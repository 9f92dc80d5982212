import { renderNetworkInterfaces } from './render-network-interfaces.js';
import { assertSeedInput, type SeedInput } from './seed-input.js';
import { seedYaml } from './seed-yaml.js';

/**
 * The NoCloud `meta-data` document (YAML): `instance-id`, `local-hostname`, and
 * `network-interfaces` (ENI text, see renderNetworkInterfaces) so that cloud-init older than
 * 24.3, which ignores a seed URL's `network-config`, still configures the NICs; newer ones
 * prefer `network-config` and ignore it. Throws SeedInputError for an invalid input.
 */
export function renderMetaData(i: SeedInput): string {
  assertSeedInput(i);
  return seedYaml({
    'instance-id': i.instanceId,
    'local-hostname': i.hostname,
    'network-interfaces': renderNetworkInterfaces(i),
  });
}
