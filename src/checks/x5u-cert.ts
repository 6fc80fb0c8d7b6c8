/**
 * A self-signed X.509 certificate of a key the harness makes, for security.jwt-x5u-injection: the
 * `x5u` header of a forged token points at it (RFC 7515 §4.1.5: a PEM certificate). node:crypto reads
 * certificates but cannot write one, so the certificate is put together with the ASN.1 schemas of
 * @peculiar/asn1-x509 (RFC 5280) and signed by node:crypto; nothing else of it is needed.
 */
import { generateKeyPair, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';

/** sha256WithRSAEncryption (RFC 4055 §5), with the NULL parameters RFC 5280 asks of RSA. */
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
/** id-at-commonName (RFC 5280 §4.1.2.4). */
const COMMON_NAME = '2.5.4.3';

export interface SelfSigned {
  /** The certificate, PEM-encoded, with its trailing newline. */
  readonly pem: string;
  /** The RSA private key it certifies, to sign the forged token with (RS256). */
  readonly privateKey: KeyObject;
}

export interface RsaKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/**
 * A fresh RSA-2048 key pair, made on libuv's thread pool. Making one takes 50–250 ms of CPU: made
 * with generateKeyPairSync, that time is taken from the event loop the whole run shares (every other
 * check's requests and, in the mutation run, the embedded mocks answering them), so a server-side
 * fetch of a jku key set another check serves meanwhile can miss its deadline.
 */
export function rsaKeyPair(): Promise<RsaKeyPair> {
  return promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
}

/**
 * A certificate for an RSA-2048 key (fresh unless given; a check passes one from rsaKeyPair), valid
 * from a minute ago for one hour, naming itself as issuer.
 */
export function selfSignedCertificate(commonName: string, now = Date.now(), keys: RsaKeyPair = generateKeyPairSync('rsa', { modulusLength: 2048 })): SelfSigned {
  const { privateKey, publicKey } = keys;
  const name = new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: COMMON_NAME, value: new AttributeValue({ utf8String: commonName }) })])]);
  const algorithm = new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null });
  const serial = randomBytes(8);
  // RFC 5280 §4.1.2.2: a positive integer. The top byte is kept in 0x40–0x7f: below 0x80 the DER integer
  // is positive, and a top byte of 0 followed by one under 0x80 is a non-minimal encoding that strict
  // certificate parsers (OpenSSL's, node:crypto's X509Certificate) refuse, one certificate in 256.
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40;
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: arrayBuffer(serial),
    signature: algorithm,
    issuer: name,
    validity: new Validity({ notBefore: new Date(now - 60_000), notAfter: new Date(now + 3_600_000) }),
    subject: name,
    subjectPublicKeyInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
  });
  const signatureValue = arrayBuffer(sign('sha256', Buffer.from(AsnConvert.serialize(tbsCertificate)), privateKey));
  const der = Buffer.from(AsnConvert.serialize(new Certificate({ tbsCertificate, signatureAlgorithm: algorithm, signatureValue })));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return { pem: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`, privateKey };
}

/** The bytes as an ArrayBuffer of their own (the ASN.1 schemas take ArrayBuffers, not Node buffers). */
function arrayBuffer(bytes: Buffer): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}
