'use strict';
// Interop checks between jwtctl and Node's `jose` for ES512 (P-521), run by keys.sh, which
// installs jose@5 into a scratch directory and makes the keys:
//
//   INTEROP_JWTCTL   the jwtctl binary
//   INTEROP_SCRATCH  the scratch directory: node_modules/, keys/, room for jwtctl's files
//
// Prints one line per check ("ok N - jose: ..." or "not ok N - jose: ...: why"); exits 1 when
// any check failed.

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

const BIN = mustEnv('INTEROP_JWTCTL');
const SCRATCH = mustEnv('INTEROP_SCRATCH');
const KEYS = path.join(SCRATCH, 'keys');
const jose = createRequire(path.join(SCRATCH, 'package.json'))('jose');

function mustEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`jose_check.js: ${name} is not set (run tests/interop/keys.sh)`);
    process.exit(2);
  }
  return value;
}

let passed = 0;
let failed = 0;

async function check(name, body) {
  const number = passed + failed + 1;
  try {
    await body();
    passed += 1;
    console.log(`ok ${number} - jose: ${name}`);
  } catch (error) {
    failed += 1;
    const why = (error && error.message ? error.message : String(error)).replace(/\n/g, '\n#   ');
    console.log(`not ok ${number} - jose: ${name}: ${why}`);
  }
}

// jwtctl with none of the caller's JWTCTL_* variables, no terminal and an empty stdin.
function jwtctl(args, input = '') {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('JWTCTL_') && !name.startsWith('CLICOLOR') && name !== 'NO_COLOR') {
      env[name] = value;
    }
  }
  env.TERM = 'dumb';
  env.XDG_DATA_HOME = path.join(SCRATCH, 'xdg');
  const result = spawnSync(BIN, args, { env, input, encoding: 'utf8' });
  if (result.error) {
    throw result.error;
  }
  return result;
}

function describe(run) {
  return `exit ${run.status}, stdout ${JSON.stringify(run.stdout)}, stderr ${JSON.stringify(run.stderr)}`;
}

function issue(args) {
  const run = jwtctl(['issue', '--no-refresh', ...args]);
  assert.equal(run.status, 0, `jwtctl issue failed: ${describe(run)}`);
  return run.stdout.trim();
}

function verify(token, args) {
  return jwtctl(['verify', token, '--json', ...args]);
}

function tamper(token) {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.sub = 'mallory';
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

const pem = (name) => fs.readFileSync(path.join(KEYS, name), 'utf8');

async function main() {
  const privateKey = await jose.importPKCS8(pem('p521.key.pem'), 'ES512');
  const publicKey = await jose.importSPKI(pem('p521.pub.pem'), 'ES512');
  const keyFile = path.join(KEYS, 'p521.key.pem');
  const publicFile = path.join(KEYS, 'p521.pub.pem');

  await check('an ES512 token from jwtctl verifies', async () => {
    const token = issue(['--sub', 'alice', '--key-file', keyFile, '--alg', 'ES512']);
    const { payload, protectedHeader } = await jose.jwtVerify(token, publicKey, {
      algorithms: ['ES512'],
    });
    assert.equal(protectedHeader.alg, 'ES512');
    assert.equal(payload.sub, 'alice');
    assert.equal(Buffer.from(token.split('.')[2], 'base64url').length, 132);
  });

  await check('an ES512 token from jwtctl with a changed claim is rejected', async () => {
    const token = issue(['--sub', 'alice', '--key-file', keyFile, '--alg', 'ES512']);
    await assert.rejects(jose.jwtVerify(tamper(token), publicKey, { algorithms: ['ES512'] }));
  });

  const now = Math.floor(Date.now() / 1000);
  const joseToken = await new jose.SignJWT({ sub: 'bob', scope: 'read' })
    .setProtectedHeader({ alg: 'ES512', typ: 'at+jwt' })
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(privateKey);

  await check('an ES512 token from jose verifies in jwtctl', async () => {
    const run = verify(joseToken, ['--key-file', publicFile, '--alg', 'ES512']);
    assert.equal(run.status, 0, describe(run));
    assert.equal(JSON.parse(run.stdout).claims.sub, 'bob');
  });

  await check('an ES512 token from jose with a changed claim is rejected by jwtctl', async () => {
    const run = verify(tamper(joseToken), ['--key-file', publicFile, '--alg', 'ES512']);
    assert.equal(run.status, 1, describe(run));
  });

  await check('an ES512 token from jose is rejected by jwtctl pinned to ES256', async () => {
    const run = verify(joseToken, ['--key-file', publicFile, '--alg', 'ES256']);
    assert.notEqual(run.status, 0, describe(run));
  });

  await check('a private JWK from jose signs in jwtctl; the kid is its RFC 7638 thumbprint', async () => {
    const pair = await jose.generateKeyPair('ES512', { extractable: true });
    const privateJwk = await jose.exportJWK(pair.privateKey);
    const file = path.join(KEYS, 'jose.jwk');
    fs.writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    const token = issue(['--sub', 'carol', '--key-file', file]);
    const { protectedHeader } = await jose.jwtVerify(token, pair.publicKey, {
      algorithms: ['ES512'],
    });
    const publicJwk = await jose.exportJWK(pair.publicKey);
    assert.equal(protectedHeader.kid, await jose.calculateJwkThumbprint(publicJwk));
  });

  await check('a public JWK from jwtctl convert verifies in jose, with its thumbprint kid', async () => {
    const run = jwtctl(['convert', keyFile, '--to', 'jwk', '--public']);
    assert.equal(run.status, 0, describe(run));
    const jwk = JSON.parse(run.stdout);
    assert.equal(jwk.kid, await jose.calculateJwkThumbprint(jwk));
    assert.equal(jwk.d, undefined);
    const token = issue(['--sub', 'dave', '--key-file', keyFile]);
    await jose.jwtVerify(token, await jose.importJWK(jwk, 'ES512'), { algorithms: ['ES512'] });
  });

  if (failed > 0) {
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.log(`not ok ${passed + failed + 1} - jose: the checks could not run: ${error.message}`);
  process.exitCode = 1;
});
