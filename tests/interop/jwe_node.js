'use strict';
// JWE interop with Node's `jose` (panva/jose), driven by tests/jwe_interop.rs:
//
//   node jwe_node.js keys  SCRATCH OUT.json         a private JWK of every family, made by jose
//   node jwe_node.js check SCRATCH CASES.json OUT.json
//
// `check` reads the JWEs jwtctl made ({id, alg, enc, key, jwe, plaintext}), decrypts each with
// jose pinned to that alg and enc, and encrypts the same plaintext to the key's public half for
// jwtctl to open. `jose` is loaded from SCRATCH/node_modules, never from the repository.

const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const [command, scratch, ...files] = process.argv.slice(2);
const jose = createRequire(path.join(scratch, 'package.json'))('jose');

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
const unb64u = (text) => new Uint8Array(Buffer.from(text, 'base64url'));

function publicHalf(jwk) {
  const copy = { ...jwk };
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
    delete copy[member];
  }
  return copy;
}

async function makeKeys(out) {
  const keys = {};
  const pair = async (alg, options) => {
    const { privateKey } = await jose.generateKeyPair(alg, { extractable: true, ...options });
    return jose.exportJWK(privateKey);
  };
  keys.rsa = await pair('RSA-OAEP-256', { modulusLength: 2048 });
  keys['P-256'] = await pair('ECDH-ES', { crv: 'P-256' });
  keys['P-384'] = await pair('ECDH-ES', { crv: 'P-384' });
  keys['P-521'] = await pair('ECDH-ES', { crv: 'P-521' });
  keys.X25519 = await pair('ECDH-ES', { crv: 'X25519' });
  for (const len of [16, 24, 32, 48, 64]) {
    keys[`oct${len}`] = { kty: 'oct', k: b64u(require('node:crypto').randomBytes(len)) };
  }
  keys.password = { kty: 'oct', k: b64u(Buffer.from('correct horse battery staple \u2013 jwe')) };
  fs.writeFileSync(out, JSON.stringify(keys));
}

async function importFor(jwk, alg) {
  const key = await jose.importJWK(jwk, alg);
  return key;
}

async function check(casesFile, out) {
  const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
  const results = [];
  for (const c of cases) {
    const result = { id: c.id };
    try {
      const key = await importFor(c.key, c.alg);
      const { plaintext, protectedHeader } = await jose.compactDecrypt(c.jwe, key, {
        keyManagementAlgorithms: [c.alg],
        contentEncryptionAlgorithms: [c.enc],
      });
      if (protectedHeader.alg !== c.alg || protectedHeader.enc !== c.enc) {
        throw new Error(`header says ${protectedHeader.alg}/${protectedHeader.enc}`);
      }
      result.decrypted = b64u(plaintext);
    } catch (error) {
      result.decrypt_error = String(error && error.message ? error.message : error);
    }
    try {
      const recipient = c.key.kty === 'oct' ? c.key : publicHalf(c.key);
      const key = await importFor(recipient, c.alg);
      result.jwe = await new jose.CompactEncrypt(unb64u(c.plaintext))
        .setProtectedHeader({ alg: c.alg, enc: c.enc, cty: 'JWT' })
        .encrypt(key);
    } catch (error) {
      result.encrypt_error = String(error && error.message ? error.message : error);
    }
    results.push(result);
  }
  fs.writeFileSync(out, JSON.stringify(results));
}

(async () => {
  if (command === 'keys') {
    await makeKeys(files[0]);
  } else if (command === 'check') {
    await check(files[0], files[1]);
  } else {
    throw new Error(`unknown command ${command}`);
  }
})().catch((error) => {
  console.error(`jwe_node.js: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
