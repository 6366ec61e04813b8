/**
 * Which Host headers the proxy forwards. The app always receives
 * Host = the upstream's own host:port, so an app protection that trusts only
 * local names (Werkzeug's debugger PIN, Django's ALLOWED_HOSTS) would be
 * undone if a DNS-rebinding page on `attacker.example` could reach the proxy
 * on 127.0.0.1: its request would arrive looking local. So only local names,
 * the proxy's own listen address and configured names pass.
 */
export interface HostPolicy {
  /** Lower-case host names (no port) accepted besides loopback names. */
  allowed: ReadonlySet<string>;
  /** Bound to every interface (0.0.0.0 / ::, e.g. in docker compose): any Host passes. */
  anyHost: boolean;
  /** Verdicts by Host header: a client sends the same few on every request, so each is parsed once. */
  verdicts: Map<string, boolean>;
}

/** Enough for every name a real client uses; a flood of distinct Hosts only empties it, it never grows further. */
const MAX_VERDICTS = 256;

const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]', '']);

export function hostPolicy(listenHost: string, allowedHosts: readonly string[] = []): HostPolicy {
  const allowed = new Set(allowedHosts.map((name) => normaliseName(name)));
  allowed.add(normaliseName(listenHost));
  return { allowed, anyHost: WILDCARD_BINDS.has(listenHost), verdicts: new Map() };
}

/** True when a request with this Host header may be forwarded. */
export function hostAllowed(hostHeader: string | undefined, policy: HostPolicy): boolean {
  if (policy.anyHost) return true;
  if (!hostHeader) return false;
  const known = policy.verdicts.get(hostHeader);
  if (known !== undefined) return known;
  const name = hostName(hostHeader);
  const verdict = name !== undefined && (isLoopbackName(name) || policy.allowed.has(name));
  if (policy.verdicts.size >= MAX_VERDICTS) policy.verdicts.clear();
  policy.verdicts.set(hostHeader, verdict);
  return verdict;
}

/** The name part of a Host header (`[::1]:8080` → `::1`, `Example.COM.:80` → `example.com`), or undefined if malformed. */
function hostName(header: string): string | undefined {
  const text = header.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const rest = text.slice(end + 1);
    if (end < 0 || (rest !== '' && !/^:\d*$/.test(rest))) return undefined;
    return text.slice(1, end).toLowerCase();
  }
  const colon = text.indexOf(':');
  if (colon >= 0 && !/^:\d*$/.test(text.slice(colon))) return undefined;
  return normaliseName(colon < 0 ? text : text.slice(0, colon));
}

function normaliseName(name: string): string {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return bare.toLowerCase().replace(/\.$/, '');
}

/** localhost and its subdomains (RFC 6761 §6.3), 127.0.0.0/8, ::1. */
function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  const octets = name.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}
