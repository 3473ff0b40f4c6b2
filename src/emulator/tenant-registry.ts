import { randomUUID } from 'node:crypto';
import { Tenant } from './tenant.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** How a `{tenant}` URL segment reads: a GUID, a domain name, or neither. */
export function tenantSegmentKind(segment: string): 'guid' | 'domain' | 'malformed' {
  if (GUID.test(segment)) return 'guid';
  if (DOMAIN.test(segment)) return 'domain';
  return 'malformed';
}

/** All tenants of one emulator, found by GUID or by domain. */
export class TenantRegistry {
  private readonly byKey = new Map<string, Tenant>();
  private readonly all: Tenant[] = [];

  constructor(
    private readonly seed: number,
    /** Called with every new tenant (the emulator wires change notifications here). */
    private readonly onCreate: (tenant: Tenant) => void = () => undefined,
  ) {}

  /** Creates a tenant; id and domain are generated when missing. */
  create(opts: { id?: string; domain?: string } = {}): Tenant {
    const id = (opts.id ?? randomUUID()).toLowerCase();
    const n = this.all.length;
    const domain = (
      opts.domain ?? (n === 0 ? 'contoso.onmicrosoft.com' : `contoso${n + 1}.onmicrosoft.com`)
    ).toLowerCase();
    if (tenantSegmentKind(id) !== 'guid') throw new Error(`tenant id must be a GUID: ${id}`);
    if (tenantSegmentKind(domain) !== 'domain') throw new Error(`not a domain name: ${domain}`);
    if (this.byKey.has(id) || this.byKey.has(domain)) {
      throw new Error(`tenant ${id} / ${domain} exists already`);
    }
    const tenant = new Tenant(id, domain, (this.seed + n) >>> 0);
    this.byKey.set(id, tenant);
    this.byKey.set(domain, tenant);
    this.all.push(tenant);
    this.onCreate(tenant);
    return tenant;
  }

  /** The tenant with this GUID or domain (case-insensitive). */
  find(idOrDomain: string): Tenant | undefined {
    return this.byKey.get(idOrDomain.toLowerCase());
  }

  /** Every tenant, oldest first. */
  list(): readonly Tenant[] {
    return this.all;
  }
}
