// DNS-SD service types for names that are not web sites (RFC 6763 §7): `_<service>._tcp` or
// `_<service>._udp`, where <service> is an RFC 6335 §5.1 service name. A Kubernetes port name
// (IANA_SVC_NAME) already has that syntax when the API server validated it; -f files were never
// validated, and a Gateway listener name is any RFC 1123 label, so both are checked here.

const SERVICE_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/;

/** `name` as an RFC 6335 service name (1–15 characters, a letter among them, no `--`, no edge `-`), or null. */
export function serviceName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const n = name.toLowerCase();
  if (n.length < 1 || n.length > 15 || !SERVICE_NAME.test(n) || !/[a-z]/.test(n)) return null;
  return n;
}

/** `_<name>._tcp` / `_<name>._udp`, or '' (no DNS-SD instance) when the name cannot be a service name. */
export function serviceType(name: unknown, transport: 'tcp' | 'udp'): string {
  const n = serviceName(name);
  return n === null ? '' : `_${n}._${transport}`;
}
