// The lab's public shapes: what `labUp` takes and what every caller (CLI, tests, benchmarks) gets back.

export type LabKind = 'namespace' | 'systemd';

/** One host to create. Hosts without a public address sit only on the private network (ProxyJump targets). */
export interface LabHostSpec {
  name: string;
  groups?: string[];
  /** Default true: an address on the public network, reachable from the controller. */
  public?: boolean;
}

export interface LabUpOptions {
  /** Default `default`. Letters, digits and dashes. */
  name?: string;
  /** Default `namespace`. */
  kind?: LabKind;
  /** A count (default topology up to 5, then host01..hostNN in group `nodes`) or explicit hosts. */
  hosts?: number | LabHostSpec[];
  /** Hosts set up at once. Default: 4 per CPU core. */
  concurrency?: number;
  /** Progress lines for people (the CLI prints them); silent by default. */
  onProgress?: (message: string) => void;
  /**
   * Simulated distance: every host with a public address is reached through a userspace TCP relay on the
   * controller that delays each chunk by this many ms each way (the inventory and ssh_config point at it).
   */
  latencyMs?: number;
  /**
   * Debian packages installed on every host at `up` (with apt, from the lab's repository). The controller downloads
   * them and their dependencies once (cached); any package the controller's apt can reach will do.
   */
  packages?: string[];
  /** Debian packages served by the lab's repository but not installed: what plays will `apt install`. */
  servePackages?: string[];
  /** Aborting stops `up` and tears down what it created. */
  signal?: AbortSignal;
}

export interface LabNetwork {
  cidr: string;
  bridge: string;
  /** The controller's address on it (public network only). */
  controllerAddress?: string;
}

export interface LabNetworks {
  public: LabNetwork;
  private: LabNetwork;
  /** Created empty: the ZeroTier test double attaches hosts' `zt...` interfaces to it. */
  vpn: LabNetwork;
}

export interface LabHost {
  name: string;
  groups: string[];
  publicAddress?: string;
  privateAddress: string;
  /** Set once the host joins the VPN (ZeroTier test double). */
  vpnAddress?: string;
  /** The address the controller's inventory uses: public if any, else private. */
  sshAddress: string;
  netns: string;
  /** With `latencyMs`: the relay's port for this host on `LabInfo.latency.relayAddress` (what the inventory uses). */
  relayPort?: number;
  /** PID (on the controller) of the host's PID 1: our init, or systemd for systemd hosts. */
  initPid: number;
}

export interface LabNeighbour {
  /** Another customer on the provider's private network: the private-network vantage point. */
  netns: string;
  address: string;
}

export interface LabInfo {
  name: string;
  kind: LabKind;
  /** The lab's slot in 10.99.0.0/16; names and subnets derive from it. */
  index: number;
  /** Prefix of every interface and namespace of this lab, e.g. `tsi03`. */
  prefix: string;
  stateDir: string;
  inventoryPath: string;
  /** An OpenSSH client config (`ssh -F`) with every host, key, known_hosts and jumps. */
  sshConfigPath: string;
  privateKeyPath: string;
  publicKeyPath: string;
  knownHostsPath: string;
  controllerAddress: string;
  networks: LabNetworks;
  neighbour: LabNeighbour;
  hosts: LabHost[];
  /** Where hosts see the local apt repository, the apt source line pointing at it, and what `up` installed from it. */
  aptRepository: { path: string; sourceLine: string; installed?: string[] };
  /** Set when the lab was brought up with `latencyMs`: the relay every public host is reached through. */
  latency?: LabLatency;
  /** The ZeroTier test double: its network, Central API stand-in and apt repository (docs/lab.md). */
  zerotier: LabZerotier;
}

/** The latency relay (`lab up --latency-ms N`): one process on the controller, killed by `lab down`. */
export interface LabLatency {
  /** Added in each direction, so a round trip costs at least twice this. */
  delayMs: number;
  /** The controller's public address: every relay port listens there. */
  relayAddress: string;
  relayProcess: { pid: number; start: number };
}

/**
 * The lab's ZeroTier TEST DOUBLE (ZeroTier cannot be installed here), served by one HTTP server on the controller's
 * public address that plays download.zerotier.com and api.zerotier.com. Production uses the real ZeroTier.
 */
export interface LabZerotier {
  /** The lab's one network (16 hex digits): joining it and being authorized gives a `zt…` interface on the vpn bridge. */
  networkId: string;
  networkName: string;
  /** The Central API stand-in, like https://api.zerotier.com/api/v1. */
  apiUrl: string;
  /** The stand-in's API token: a secret (inventory `zerotier_api_token`, masked by name); keep it out of output. */
  apiToken: string;
  /** The apt repository, like http://download.zerotier.com/debian: suites at `<aptRepoUrl>/<codename> <codename> main`. */
  aptRepoUrl: string;
  /** Codenames served (the controller's, and bookworm for systemd hosts). */
  codenames: string[];
  /** The repository's signing key, armored, at the real key's file name. */
  aptKeyUrl: string;
  aptKey: string;
}

export interface LabHostStatus {
  name: string;
  isInitAlive: boolean;
  isSshAnswering: boolean;
}

export interface LabStatus {
  name: string;
  kind: LabKind;
  /** `up` once `labUp` returned; `incomplete` after a crash or failure (run `lab down`). */
  phase: 'creating' | 'up' | 'incomplete';
  stateDir: string;
  info?: LabInfo;
  hosts: LabHostStatus[];
}
