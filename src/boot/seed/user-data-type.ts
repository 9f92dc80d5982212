/**
 * cloud-init's table of user-data first lines and the MIME types they stand for
 * (cloudinit/handlers/__init__.py INCLUSION_TYPES_MAP), longest prefix first as cloud-init
 * searches it. Its three `text/x-shellscript-per-*` entries are left out: they exist only so
 * that `cloud-init devel make-mime` accepts those types, no document starts with them.
 */
const STARTS: readonly (readonly [string, string])[] = [
  ['#cloud-config-archive', 'text/cloud-config-archive'],
  ['#cloud-config-jsonp', 'text/cloud-config-jsonp'],
  ['## template: jinja', 'text/jinja2'],
  ['#cloud-boothook', 'text/cloud-boothook'],
  ['#include-once', 'text/x-include-once-url'],
  ['#cloud-config', 'text/cloud-config'],
  ['#part-handler', 'text/part-handler'],
  ['#include', 'text/x-include-url'],
  ['#!', 'text/x-shellscript'],
];

// What Python's str.lstrip() strips (str.isspace()); unlike JavaScript's trimStart() it keeps
// U+FEFF and strips U+001C…U+001F and U+0085.
const PYTHON_SPACE = new Set(
  '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
);

function pythonLstrip(text: string): string {
  let n = 0;
  while (n < text.length && PYTHON_SPACE.has(text[n])) n++;
  return text.slice(n);
}

/**
 * The MIME type cloud-init infers for user data `text`, exactly as it does for a blob that is
 * not MIME (handlers.type_from_starts_with: leading whitespace stripped, case ignored), or
 * 'mime' when cloud-init would parse `text` as a MIME message itself (user_data.convert_string:
 * `mime-version:` in the first 4096 bytes, case ignored). Data that starts with nothing
 * cloud-init knows is 'text/plain', which no cloud-init handler takes: cloud-init logs
 * "Unhandled unknown content-type" and ignores it, as it would the same data given alone.
 */
export function userDataKind(text: string): string {
  const head = Buffer.from(text, 'utf8').subarray(0, 4096).toString('latin1').toLowerCase();
  if (head.includes('mime-version:')) return 'mime';
  const start = pythonLstrip(text).toLowerCase();
  return STARTS.find(([prefix]) => start.startsWith(prefix))?.[1] ?? 'text/plain';
}
