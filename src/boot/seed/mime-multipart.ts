import { createHash } from 'node:crypto';

/** One body part: its header lines (without Content-Transfer-Encoding) and its bytes. */
export interface MimePart {
  headers: string[];
  body: Buffer;
  /** Put `body` in unchanged, headers and all: it is itself a MIME entity (see renderUserData). */
  verbatim?: boolean;
}

const MAX_LINE = 998; // RFC 5322 §2.1.1

/** ASCII text that survives 7bit transfer byte for byte: printable, tabs, LF line ends. */
function isSevenBitText(body: Buffer): boolean {
  const text = body.toString('latin1');
  return /^[\t\n\x20-\x7e]*$/.test(text) && text.split('\n').every((line) => line.length <= MAX_LINE);
}

function base64Lines(body: Buffer): string {
  return (body.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
}

/** One part's text after its boundary line. The newline that ends it belongs to the next delimiter (RFC 2046 §5.1.1). */
function partText(part: MimePart): string {
  if (part.verbatim) return part.body.toString('utf8');
  if (isSevenBitText(part.body)) {
    return [...part.headers, 'Content-Transfer-Encoding: 7bit', '', part.body.toString('latin1')].join('\n');
  }
  return [...part.headers, 'Content-Transfer-Encoding: base64', '', base64Lines(part.body)].join('\n');
}

/**
 * A `multipart/mixed` MIME document of `parts`, in order, with its own `Content-Type` and
 * `MIME-Version` headers at the top (cloud-init recognises MIME user data by its content,
 * not by the HTTP Content-Type). Every part's bytes come back out of a MIME parser exactly:
 * 7bit when they are short-lined printable ASCII, base64 otherwise, unchanged when verbatim.
 * Lines end in LF, as cloud-init's own `make-mime` writes them.
 *
 * The boundary is `==edcps-<seed>==`, the seed (letters and digits) defaulting to a digest of
 * the parts so the same parts always give the same document; it is suffixed `-0`, `-1`… until
 * it occurs in no part.
 * Returns the document and its `Content-Type` value.
 */
export function mimeMultipart(
  parts: readonly MimePart[],
  opts: { boundarySeed?: string } = {},
): { contentType: string; body: string } {
  const texts = parts.map(partText);
  const hash = createHash('sha256');
  for (const t of texts) hash.update(t).update('\0');
  const seed = opts.boundarySeed ?? hash.digest('hex').slice(0, 24);
  let boundary = `==edcps-${seed}==`;
  for (let n = 0; texts.some((t) => t.includes(boundary)); n++) boundary = `==edcps-${seed}-${n}==`;
  const contentType = `multipart/mixed; boundary="${boundary}"`;
  const lines = [`Content-Type: ${contentType}`, 'MIME-Version: 1.0', ''];
  for (const t of texts) lines.push(`--${boundary}`, t);
  lines.push(`--${boundary}--`, '');
  return { contentType, body: lines.join('\n') };
}
