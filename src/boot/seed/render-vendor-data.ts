import { assertSeedInput, type SeedInput } from './seed-input.js';

/**
 * The NoCloud `vendor-data` document: a valid, empty cloud-config. edcps puts everything in
 * user data; serving an explicit empty document (rather than a 404) keeps cloud-init from
 * retrying the fetch. Throws SeedInputError for an invalid input, like every renderer.
 */
export function renderVendorData(i: SeedInput): string {
  assertSeedInput(i);
  return '#cloud-config\n{}\n';
}
