// The `url` column: what to paste into a browser. https for port 443 or a listener that
// terminates TLS (HTTPS, TLS), the port spelled out unless it is the scheme's default.
// A wildcard or an unknown port has no URL to open: ''.

import { isWildcard } from './hostnames.js';

export function bindingUrl(hostname: string, port: number | null, protocol: string): string {
  if (hostname === '' || isWildcard(hostname) || port === null) return '';
  const secure = port === 443 || protocol === 'HTTPS' || protocol === 'TLS';
  const scheme = secure ? 'https' : 'http';
  const defaultPort = secure ? 443 : 80;
  return port === defaultPort ? `${scheme}://${hostname}/` : `${scheme}://${hostname}:${port}/`;
}
