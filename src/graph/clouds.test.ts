import { describe, expect, it } from 'vitest';
import { resolveEndpoints } from './clouds.ts';

describe('resolveEndpoints', () => {
  it('knows the hosts of every national cloud', () => {
    expect(resolveEndpoints('global')).toEqual({
      authorityHost: 'https://login.microsoftonline.com',
      graphEndpoint: 'https://graph.microsoft.com',
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(resolveEndpoints('usgov').graphEndpoint).toBe('https://graph.microsoft.us');
    expect(resolveEndpoints('usgovdod')).toMatchObject({
      authorityHost: 'https://login.microsoftonline.us',
      scope: 'https://dod-graph.microsoft.us/.default',
    });
    expect(resolveEndpoints('china')).toMatchObject({
      authorityHost: 'https://login.chinacloudapi.cn',
      scope: 'https://microsoftgraph.chinacloudapi.cn/.default',
    });
  });

  it('lets server-wide overrides win, scope included', () => {
    expect(
      resolveEndpoints('usgov', {
        authorityHost: 'https://127.0.0.1:8443/',
        graphEndpoint: 'https://127.0.0.1:8443',
      }),
    ).toEqual({
      authorityHost: 'https://127.0.0.1:8443',
      graphEndpoint: 'https://127.0.0.1:8443',
      scope: 'https://127.0.0.1:8443/.default',
    });
  });
});
