/**
 * The target of a reinstall as the instance row keeps it in `action_input` (written by
 * domain/instance/reinstall-spec.ts as a ReinstallTarget, applied when the action completes).
 * Read back leniently: a field that is not a non-empty string is absent, and text that is not
 * a JSON object reads as no target at all.
 */
export interface RecordedReinstall {
  osTypeId?: string;
  osName?: string;
  osType?: string;
  osVersion?: string;
  sysRaidTypeId?: string;
  sysRaidType?: string;
  dataRaidTypeId?: string;
  dataRaidType?: string;
  hostname?: string;
  keypairId?: string;
  keepData?: string;
}

const FIELDS = [
  'osTypeId',
  'osName',
  'osType',
  'osVersion',
  'sysRaidTypeId',
  'sysRaidType',
  'dataRaidTypeId',
  'dataRaidType',
  'hostname',
  'keypairId',
  'keepData',
] as const satisfies readonly (keyof RecordedReinstall)[];

/** Parses `action_input`; never throws. */
export function readReinstallInput(actionInput: string): RecordedReinstall {
  let v: unknown;
  try {
    v = JSON.parse(actionInput || '{}');
  } catch {
    return {};
  }
  if (typeof v !== 'object' || v === null) return {};
  const o = v as Record<string, unknown>;
  const out: RecordedReinstall = {};
  for (const f of FIELDS) {
    const x = o[f];
    if (typeof x === 'string' && x !== '') out[f] = x;
  }
  return out;
}

/** The columns that say which system an instance's current action installs. */
export interface InstallIdentitySource {
  action: string | null;
  action_input: string;
  hostname: string;
  keypair_id: string;
}

/**
 * The hostname and key pair the system being installed carries: the instance's own, or for a
 * reinstall its target's — an absent hostname keeps the current one, an absent key pair means
 * none (''). The reconciler's steps and the machine's seed both read it here.
 */
export function installIdentityOf(row: InstallIdentitySource): { hostname: string; keypairId: string } {
  if (row.action !== 'reinstall') return { hostname: row.hostname, keypairId: row.keypair_id };
  const t = readReinstallInput(row.action_input);
  return { hostname: t.hostname ?? row.hostname, keypairId: t.keypairId ?? '' };
}
