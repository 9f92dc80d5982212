import { stringify } from 'yaml';

/**
 * YAML text for `value` as cloud-init reads it. cloud-init parses with PyYAML, a YAML 1.1
 * reader, so strings are quoted wherever 1.1 would retype them ('yes', 'on', '0777', and
 * MACs or times of digits such as '10:20:30:40:50:59', which 1.1 reads as base-60 integers).
 * Lines are never folded: OpenSSH keys and URLs stay on one line.
 */
export function seedYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, minContentWidth: 0 });
}
