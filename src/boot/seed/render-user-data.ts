import { edcpsCloudConfig } from './edcps-cloud-config.js';
import { mimeMultipart, type MimePart } from './mime-multipart.js';
import { assertSeedInput, type SeedInput } from './seed-input.js';
import { userDataKind } from './user-data-type.js';

/**
 * How the caller's cloud-config merges into edcps's, which comes first: keys edcps set keep
 * edcps's value (hostname, phone_home, disable_root…), lists are appended (the caller's
 * ssh_authorized_keys join edcps's), dicts merge key by key, new keys are added. Without it
 * cloud-init merges a later part with `dict(replace)+list()+str()`, and the caller's
 * ssh_authorized_keys or phone_home would replace edcps's.
 */
export const MERGE_TYPE = 'list(append)+dict(no_replace,recurse_list)+str()';

// Types whose payload reaches cloud-init's cloud-config handler with this part's headers
// (a jinja template is rendered and handed on with them).
const MERGED_TYPES = new Set(['text/cloud-config', 'text/jinja2']);

/**
 * The NoCloud `user-data` document and the Content-Type to serve it with. Deterministic: the
 * same input gives the same bytes. Throws SeedInputError for an invalid input.
 *
 * Without caller user data it is edcps's cloud-config alone (`text/cloud-config`). With it, a
 * `multipart/mixed` MIME document, which cloud-init processes part by part in order:
 * 1. edcps's cloud-config (`text/cloud-config`, filename `edcps-cloud-config`);
 * 2. the caller's data, its bytes intact (filename `user-data`), typed as cloud-init would
 *    type it alone (see userDataKind): `#cloud-config` → text/cloud-config, `#!` →
 *    text/x-shellscript, `#include` → text/x-include-url, `#cloud-boothook` →
 *    text/cloud-boothook, `## template: jinja` → text/jinja2, and so on; anything else →
 *    text/plain, which cloud-init ignores (as it would alone). A caller's cloud-config or
 *    jinja part carries the `Merge-Type` header MERGE_TYPE; a `merge_how` key in the caller's
 *    YAML takes precedence over it (cloud-init puts the payload's mergers first).
 *    A caller's document that is already MIME (cloud-init's own test: `mime-version:` in its
 *    first 4096 bytes) is put in verbatim as the part, headers and all, so cloud-init walks
 *    it exactly as it would alone. Its parts get no Merge-Type added (that would change the
 *    caller's bytes): unless they carry their own, cloud-init's default merge lets their
 *    cloud-config keys replace edcps's. Documents fetched through `#include` likewise merge
 *    by their own headers.
 */
export function renderUserData(i: SeedInput): { contentType: string; body: string } {
  assertSeedInput(i);
  const own = edcpsCloudConfig(i);
  if (i.userData === '') return { contentType: 'text/cloud-config', body: own };
  const ownPart: MimePart = {
    headers: [
      'Content-Type: text/cloud-config; charset="utf-8"',
      'MIME-Version: 1.0',
      'Content-Disposition: attachment; filename="edcps-cloud-config"',
    ],
    body: Buffer.from(own, 'utf8'),
  };
  const kind = userDataKind(i.userData);
  const callerPart: MimePart =
    kind === 'mime'
      ? { headers: [], body: Buffer.from(i.userData, 'utf8'), verbatim: true }
      : {
          headers: [
            `Content-Type: ${kind}; charset="utf-8"`,
            'MIME-Version: 1.0',
            'Content-Disposition: attachment; filename="user-data"',
            ...(MERGED_TYPES.has(kind) ? [`Merge-Type: ${MERGE_TYPE}`] : []),
          ],
          body: Buffer.from(i.userData, 'utf8'),
        };
  return mimeMultipart([ownPart, callerPart]);
}
