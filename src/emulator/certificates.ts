import { webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

/** The TLS material of one emulator instance, all PEM. */
export interface EmulatorCertificates {
  caCertPem: string;
  caCertFile: string;
  serverCertPem: string;
  serverKeyPem: string;
}

// ECDSA P-256: key generation takes milliseconds, unlike RSA, so every test can afford its
// own CA and nobody is tempted to turn TLS checks off.
/**
 * The WebCrypto type @peculiar/x509 takes, named through its API rather than the DOM's
 * global `Crypto`: the production build compiles without the DOM library.
 */
type X509Crypto = NonNullable<Parameters<typeof x509.SubjectKeyIdentifierExtension.create>[2]>;

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function serial(): string {
  // Positive, 16 random bytes: browsers and OpenSSL reject duplicate serials per issuer.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/**
 * Creates a throw-away certificate authority and a server certificate for 127.0.0.1 and
 * localhost signed by it. The CA PEM is also written to a temp file for NODE_EXTRA_CA_CERTS.
 */
export async function createCertificates(): Promise<EmulatorCertificates> {
  const crypto = webcrypto as unknown as X509Crypto;
  const notBefore = new Date(Date.now() - 60 * 60_000);
  const notAfter = new Date(Date.now() + 30 * 86_400_000);

  const caKeys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: 'CN=Azure User Sync Graph Emulator CA',
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const serverKeys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const serverCert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: 'CN=127.0.0.1',
      issuer: caCert.subject,
      notBefore,
      notAfter,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension(
          [
            { type: 'ip', value: '127.0.0.1' },
            { type: 'dns', value: 'localhost' },
          ],
          false,
        ),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
      ],
    },
    crypto,
  );

  const serverKeyDer = await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  const caCertPem = caCert.toString('pem') + '\n';
  const dir = mkdtempSync(join(tmpdir(), 'graph-emulator-'));
  const caCertFile = join(dir, 'ca.pem');
  writeFileSync(caCertFile, caCertPem);
  return {
    caCertPem,
    caCertFile,
    serverCertPem: serverCert.toString('pem') + '\n',
    serverKeyPem: pem('PRIVATE KEY', serverKeyDer),
  };
}
