/** A NIC of the machine as its installed system is to configure it. */
export interface SeedNic {
  mac: string;
  /** Interface name to give it (set-name). */
  name: string;
  address: string;
  prefix: number;
  /** '' when this NIC has no default route. */
  gateway: string;
  /** Alias IP ranges routed to this NIC, CIDR text. */
  aliases: string[];
}

/** Everything the NoCloud seed of one deployment is rendered from (by the boot layer). */
export interface SeedData {
  instanceId: string;
  hostname: string;
  sshAuthorizedKeys: string[];
  /** SHA-512 crypt (`$6$…`) of the password, never the password; undefined for none. */
  passwordHash: string | undefined;
  /** The caller's user data, decoded; '' for none. */
  userData: string;
  phoneHomeUrl: string;
  nics: SeedNic[];
  nameservers: string[];
}
