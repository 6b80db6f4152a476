// The serving certificate, made at start: a CA (its certificate goes into the kubeconfig as
// certificate-authority-data) and a server certificate it signs for the listen address, localhost
// and 127.0.0.1. Keys come from node:crypto (RSA 2048); node-forge only builds and signs the X.509
// structures, which Node 20 cannot create.

import { generateKeyPairSync, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";

export interface ServingCert {
  caPem: string;
  certPem: string;
  keyPem: string;
}

function keyPair(): { pub: forge.pki.rsa.PublicKey; priv: forge.pki.rsa.PrivateKey; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return {
    priv: forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey,
    pub: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()) as forge.pki.rsa.PublicKey,
    pem,
  };
}

function certificate(subjectCn: string, pub: forge.pki.PublicKey, validDays: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  // A positive 16-byte serial (the high bit clear).
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + validDays * 86_400_000);
  cert.setSubject([{ name: "commonName", value: subjectCn }]);
  return cert;
}

/** A CA and a server certificate for `hosts` (names and IPs), valid for a year. */
export function makeServingCert(hosts: readonly string[]): ServingCert {
  const ca = keyPair();
  const caCert = certificate("vpc-cni-harness-ca", ca.pub, 365);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.priv, forge.md.sha256.create());
  const server = keyPair();
  const cert = certificate("vpc-cni-harness-apiserver", server.pub, 365);
  cert.setIssuer(caCert.subject.attributes);
  const names = [...new Set(["localhost", "127.0.0.1", ...hosts])];
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: names.map((n) => (isIP(n) !== 0 ? { type: 7, ip: n } : { type: 2, value: n })) },
  ]);
  cert.sign(ca.priv, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(caCert), certPem: forge.pki.certificateToPem(cert), keyPem: server.pem };
}
