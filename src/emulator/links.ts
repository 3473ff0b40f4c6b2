/**
 * Builds `{base}?$a=x&$b=y` the way Graph writes its links: `$` and `,` left as they are
 * (clients follow links verbatim, and people read them in logs), everything else encoded.
 */
export function graphLink(base: string, params: Iterable<[string, string]>): string {
  const parts: string[] = [];
  for (const [key, value] of params) {
    const encode = (s: string): string =>
      encodeURIComponent(s).replace(/%24/g, '$').replace(/%2C/gi, ',');
    parts.push(`${encode(key)}=${encode(value)}`);
  }
  return parts.length ? `${base}?${parts.join('&')}` : base;
}
