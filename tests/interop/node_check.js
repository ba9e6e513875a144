'use strict';
// Interop checks between jwtctl and Node's `jsonwebtoken` (the library behind most Express APIs).
// Run by run.sh, which installs jsonwebtoken into a scratch directory and makes the keys:
//
//   INTEROP_JWTCTL   the jwtctl binary
//   INTEROP_SCRATCH  the scratch directory: node_modules/, keys/, and room for jwtctl's files
//
// Prints one line per check ("ok N - ..." or "not ok N - ...: why") and closes with
// "interop: N passed, M failed"; exits 1 when any check failed.

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

const BIN = mustEnv('INTEROP_JWTCTL');
const SCRATCH = mustEnv('INTEROP_SCRATCH');
const KEYS = path.join(SCRATCH, 'keys');

// jsonwebtoken lives in the scratch directory, never in the repository.
const scratchRequire = createRequire(path.join(SCRATCH, 'package.json'));
const jwt = scratchRequire('jsonwebtoken');
const JWT_VERSION = scratchRequire('jsonwebtoken/package.json').version;

function mustEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`node_check.js: ${name} is not set (run tests/interop/run.sh)`);
    process.exit(2);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Reporting

let passed = 0;
let failed = 0;

function check(name, body) {
  const number = passed + failed + 1;
  try {
    body();
    passed += 1;
    console.log(`ok ${number} - ${name}`);
  } catch (error) {
    failed += 1;
    const why = (error && error.message ? error.message : String(error)).replace(/\n/g, '\n#   ');
    console.log(`not ok ${number} - ${name}: ${why}`);
  }
}

// ---------------------------------------------------------------------------------------------
// jwtctl

// jwtctl with none of the caller's JWTCTL_* variables, its default store inside the scratch
// directory, no terminal and an empty stdin.
function jwtctl(args, extraEnv = {}, input = '') {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('JWTCTL_') && !name.startsWith('CLICOLOR') && name !== 'NO_COLOR') {
      env[name] = value;
    }
  }
  env.TERM = 'dumb';
  env.XDG_DATA_HOME = path.join(SCRATCH, 'xdg');
  Object.assign(env, extraEnv);
  const result = spawnSync(BIN, args, { env, input, encoding: 'utf8' });
  if (result.error) {
    throw result.error;
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function describe(run) {
  return `exit ${run.status}, stdout ${JSON.stringify(run.stdout)}, stderr ${JSON.stringify(run.stderr)}`;
}

// `jwtctl issue ... --no-refresh`: exactly one line, the access token.
function jwtctlIssue(args, extraEnv) {
  const run = jwtctl(['issue', '--no-refresh', ...args], extraEnv);
  assert.equal(run.status, 0, `jwtctl issue failed: ${describe(run)}`);
  const lines = run.stdout.split('\n');
  assert.deepEqual(lines.slice(1), [''], `expected one line from issue --no-refresh: ${describe(run)}`);
  assert.match(lines[0], /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'not a compact JWS');
  return lines[0];
}

// `jwtctl verify --json`: the status and the parsed result object.
function jwtctlVerify(token, args, extraEnv) {
  const run = jwtctl(['verify', token, '--json', ...args], extraEnv);
  let result = null;
  try {
    result = JSON.parse(run.stdout);
  } catch (error) {
    throw new Error(`verify --json printed no JSON: ${describe(run)}`);
  }
  return { status: run.status, result, run };
}

function expectAccepted(token, args, extraEnv) {
  const { status, result, run } = jwtctlVerify(token, args, extraEnv);
  assert.equal(status, 0, `jwtctl verify rejected the token: ${describe(run)}`);
  assert.equal(result.valid, true);
  return result;
}

function expectRejected(token, args, extraEnv, wantStatus = 1) {
  const { status, result, run } = jwtctlVerify(token, args, extraEnv);
  assert.equal(status, wantStatus, `jwtctl verify should exit ${wantStatus}: ${describe(run)}`);
  assert.equal(result.valid, false);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Token surgery

function b64urlJson(value) {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function parts(token) {
  const [header, payload, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
    segments: [header, payload, signature],
  };
}

// The same header and signature over a payload with one claim changed.
function withClaim(token, name, value) {
  const { payload, segments } = parts(token);
  assert.ok(name in payload, `the token has no ${name} claim to change`);
  const changed = { ...payload, [name]: value };
  return [segments[0], b64urlJson(changed), segments[2]].join('.');
}

// One character in the middle of the payload segment replaced by another base64url character.
// The middle, not the end: a changed last character can decode to the same bytes.
function withFlippedPayloadCharacter(token) {
  const segments = token.split('.');
  const payload = segments[1];
  const at = Math.floor(payload.length / 2);
  const replacement = payload[at] === 'A' ? 'B' : 'A';
  segments[1] = payload.slice(0, at) + replacement + payload.slice(at + 1);
  return segments.join('.');
}

function nodeRejects(token, key, alg, wantMessage) {
  let error = null;
  try {
    jwt.verify(token, key, { algorithms: [alg] });
  } catch (caught) {
    error = caught;
  }
  assert.ok(error, 'jsonwebtoken accepted it');
  assert.equal(error.name, 'JsonWebTokenError', `unexpected ${error.name}: ${error.message}`);
  if (wantMessage) {
    assert.equal(error.message, wantMessage);
  }
}

// ---------------------------------------------------------------------------------------------
// Setup: the secret exactly as `gen-secret` prints it, and the PEM keys run.sh generated.

const genSecret = jwtctl(['gen-secret']);
if (genSecret.status !== 0) {
  console.error(`jwtctl gen-secret failed: ${describe(genSecret)}`);
  process.exit(1);
}
// What an Express app holds after `JWT_SECRET=$(jwtctl gen-secret)`: the 64-character hex text.
const SECRET = genSecret.stdout.replace(/\n$/, '');
const OTHER_SECRET = jwtctl(['gen-secret']).stdout.replace(/\n$/, '');
const SECRET_ENV = { JWTCTL_SECRET: SECRET };

function pem(name) {
  return fs.readFileSync(path.join(KEYS, name), 'utf8');
}

// RFC 7638 thumbprint computed by Node's own crypto, to check the kid jwtctl puts in headers.
function thumbprint(publicPem) {
  const jwk = crypto.createPublicKey(publicPem).export({ format: 'jwk' });
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
    : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

const hmac = {
  signKey: SECRET,
  verifyKey: SECRET,
  issueArgs: [],
  verifyArgs: [],
  env: SECRET_ENV,
};
const rsa = {
  signKey: pem('rsa.key.pem'),
  verifyKey: pem('rsa.pub.pem'),
  kid: thumbprint(pem('rsa.pub.pem')),
  issueArgs: ['--key-file', path.join(KEYS, 'rsa.key.pem')],
  verifyArgs: ['--key-file', path.join(KEYS, 'rsa.pub.pem')],
  env: {},
};
const ec = {
  signKey: pem('ec.key.pem'),
  verifyKey: pem('ec.pub.pem'),
  kid: thumbprint(pem('ec.pub.pem')),
  issueArgs: ['--key-file', path.join(KEYS, 'ec.key.pem')],
  verifyArgs: ['--key-file', path.join(KEYS, 'ec.pub.pem')],
  env: {},
};

const CASES = [
  { alg: 'HS256', ...hmac },
  { alg: 'HS512', ...hmac },
  { alg: 'RS256', ...rsa },
  { alg: 'PS256', ...rsa },
  { alg: 'ES256', ...ec },
];

console.log(`# jwtctl: ${BIN}`);
console.log(`# jsonwebtoken ${JWT_VERSION}, node ${process.version}`);

// ---------------------------------------------------------------------------------------------
// The secret

check('gen-secret prints 64 hex characters: 64 bytes of key as text, enough for HS512', () => {
  assert.match(SECRET, /^[0-9a-f]{64}$/);
  assert.equal(Buffer.byteLength(SECRET, 'utf8'), 64);
  assert.notEqual(SECRET, OTHER_SECRET);
});

// ---------------------------------------------------------------------------------------------
// Per algorithm: jwtctl -> Node, Node -> jwtctl, and tampering.

// Claims that exercise strings, numbers, arrays, booleans and non-ASCII text.
const CUSTOM = { role: 'admin', name: 'Zoë Ångström ✓', level: 3, scopes: ['read', 'write'], staff: true };
const CLAIM_ARGS = [
  '--claim', `role=${CUSTOM.role}`,
  '--claim', `name=${CUSTOM.name}`,
  '--claim', `level:=${JSON.stringify(CUSTOM.level)}`,
  '--claim', `scopes:=${JSON.stringify(CUSTOM.scopes)}`,
  '--claim', `staff:=${JSON.stringify(CUSTOM.staff)}`,
];

for (const c of CASES) {
  const { alg } = c;
  const issueArgs = ['--sub', 'alice', ...CLAIM_ARGS, '--alg', alg, ...c.issueArgs];
  const verifyArgs = ['--alg', alg, ...c.verifyArgs];

  // jwtctl signs, Node verifies.
  let token = null;
  check(`${alg}: jsonwebtoken verifies a jwtctl token, with every claim as jwtctl verify reads it`, () => {
    const before = Math.floor(Date.now() / 1000);
    token = jwtctlIssue(issueArgs, c.env);
    const after = Math.floor(Date.now() / 1000);
    const claims = jwt.verify(token, c.verifyKey, { algorithms: [alg] });
    const mine = expectAccepted(token, verifyArgs, c.env).claims;
    assert.deepEqual(claims, mine, 'jsonwebtoken and jwtctl read different claims');
    assert.equal(claims.sub, 'alice');
    for (const [name, value] of Object.entries(CUSTOM)) {
      assert.deepEqual(claims[name], value, `custom claim ${name}`);
    }
    assert.ok(claims.iat >= before && claims.iat <= after, `iat ${claims.iat} not in [${before}, ${after}]`);
    assert.equal(claims.exp, claims.iat + 300, 'exp is not iat + 5 minutes');
    assert.equal(typeof claims.jti, 'string');
    const { header } = jwt.decode(token, { complete: true });
    // PEM-signed tokens carry the key's RFC 7638 thumbprint as kid, the id `jwtctl jwks` publishes.
    const expected = alg.startsWith('HS') ? { alg, typ: 'at+jwt' } : { alg, typ: 'at+jwt', kid: c.kid };
    assert.deepEqual(header, expected);
  });

  // Node signs the way an Express app does, jwtctl verifies.
  const payload = { sub: 'bob', ...CUSTOM, role: 'reader' };
  for (const [label, header] of [
    ['default header (typ JWT)', undefined],
    ['no typ header', { typ: undefined }],
  ]) {
    check(`${alg}: jwtctl verifies a jsonwebtoken token, ${label}, and returns its claims`, () => {
      const options = { algorithm: alg, expiresIn: '5m' };
      if (header) {
        options.header = header;
      }
      const nodeToken = jwt.sign(payload, c.signKey, options);
      const decoded = jwt.decode(nodeToken, { complete: true });
      assert.equal(decoded.header.typ, header ? undefined : 'JWT', 'jsonwebtoken wrote an unexpected typ');
      assert.equal(decoded.payload.exp, decoded.payload.iat + 300);
      const result = expectAccepted(nodeToken, verifyArgs, c.env);
      assert.deepEqual(result.claims, decoded.payload);
      assert.deepEqual(result.header, decoded.header);
    });
  }

  // A jwtctl token whose payload was altered is rejected by both.
  check(`${alg}: a jwtctl token with a claim changed (role admin -> root) is rejected by jsonwebtoken and jwtctl`, () => {
    assert.ok(token, 'no jwtctl token (an earlier check failed)');
    const forged = withClaim(token, 'role', 'root');
    nodeRejects(forged, c.verifyKey, alg, 'invalid signature');
    expectRejected(forged, verifyArgs, c.env);
  });
  check(`${alg}: a jwtctl token with one payload character flipped is rejected by jsonwebtoken and jwtctl`, () => {
    assert.ok(token, 'no jwtctl token (an earlier check failed)');
    const forged = withFlippedPayloadCharacter(token);
    assert.notEqual(forged, token);
    nodeRejects(forged, c.verifyKey, alg);
    expectRejected(forged, verifyArgs, c.env);
  });
  check(`${alg}: a jsonwebtoken token with a claim changed (sub bob -> alice) is rejected by jwtctl`, () => {
    const nodeToken = jwt.sign(payload, c.signKey, { algorithm: alg, expiresIn: '5m' });
    const forged = withClaim(nodeToken, 'sub', 'alice');
    const result = expectRejected(forged, verifyArgs, c.env);
    assert.equal(result.error.kind, 'signature');
  });
}

// ---------------------------------------------------------------------------------------------
// How the HMAC secret is used, and the exit statuses an integration relies on.

check('HS256: the secret is the text as-is, not hex-decoded, on both sides', () => {
  const token = jwtctlIssue(['--sub', 'alice'], SECRET_ENV);
  nodeRejects(token, Buffer.from(SECRET, 'hex'), 'HS256', 'invalid signature');
  const decodedKeyToken = jwt.sign({ sub: 'bob' }, Buffer.from(SECRET, 'hex'), { algorithm: 'HS256', expiresIn: '5m' });
  expectRejected(decodedKeyToken, ['--alg', 'HS256'], SECRET_ENV);
});

check('HS256: another gen-secret output does not verify (the checks above are not vacuous)', () => {
  const token = jwtctlIssue(['--sub', 'alice'], SECRET_ENV);
  nodeRejects(token, OTHER_SECRET, 'HS256', 'invalid signature');
  const nodeToken = jwt.sign({ sub: 'bob' }, OTHER_SECRET, { algorithm: 'HS256', expiresIn: '5m' });
  expectRejected(nodeToken, ['--alg', 'HS256'], SECRET_ENV);
});

check('HS512: jwtctl accepts the gen-secret text for HS512 without --allow-weak-secret, both ways', () => {
  const token = jwtctlIssue(['--sub', 'alice', '--alg', 'HS512'], SECRET_ENV);
  assert.equal(jwt.verify(token, SECRET, { algorithms: ['HS512'] }).sub, 'alice');
  const nodeToken = jwt.sign({ sub: 'bob' }, SECRET, { algorithm: 'HS512', expiresIn: '5m' });
  const run = jwtctl(['verify', nodeToken, '--alg', 'HS512'], SECRET_ENV);
  assert.equal(run.status, 0, describe(run));
  assert.equal(run.stderr, '', 'jwtctl warned about the secret');
});

check('HS256: a secret file written by gen-secret (trailing newline) works like the string in Node', () => {
  const file = path.join(SCRATCH, 'secret.txt');
  fs.writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
  const token = jwtctlIssue(['--sub', 'alice', '--secret-file', file]);
  assert.equal(jwt.verify(token, SECRET, { algorithms: ['HS256'] }).sub, 'alice');
});

check('HS256: a jsonwebtoken token that has expired makes jwtctl exit 3', () => {
  const now = Math.floor(Date.now() / 1000);
  const nodeToken = jwt.sign({ sub: 'bob', iat: now - 600, exp: now - 300 }, SECRET, { algorithm: 'HS256' });
  const result = expectRejected(nodeToken, ['--alg', 'HS256'], SECRET_ENV, 3);
  assert.equal(result.error.kind, 'expired');
});

check('HS256: a jsonwebtoken token without exp is rejected by jwtctl (exp is required)', () => {
  const nodeToken = jwt.sign({ sub: 'bob' }, SECRET, { algorithm: 'HS256' });
  expectRejected(nodeToken, ['--alg', 'HS256'], SECRET_ENV);
});

check('HS256: jwtctl verify reads a jsonwebtoken token from stdin and from an Authorization value', () => {
  const nodeToken = jwt.sign({ sub: 'bob' }, SECRET, { algorithm: 'HS256', expiresIn: '5m' });
  const piped = jwtctl(['verify', '-', '--json'], SECRET_ENV, `${nodeToken}\n`);
  assert.equal(piped.status, 0, describe(piped));
  assert.equal(JSON.parse(piped.stdout).claims.sub, 'bob');
  const bearer = jwtctl(['verify', `Bearer ${nodeToken}`], SECRET_ENV);
  assert.equal(bearer.status, 0, describe(bearer));
});

// ---------------------------------------------------------------------------------------------
// Refresh tokens are signed with a key derived from the main one (RFC 8725 sections 3.11-3.12):
// an API that verifies access tokens with the main secret or the public key never accepts one.

function jwtctlPair(args, extraEnv) {
  const run = jwtctl(['issue', '--sub', 'alice', '--aud', 'api', ...args], extraEnv);
  assert.equal(run.status, 0, `jwtctl issue failed: ${describe(run)}`);
  const [access, refresh] = run.stdout.split('\n');
  assert.ok(access && refresh, `expected two lines from issue: ${describe(run)}`);
  return [access, refresh];
}

check('HS256: a jwtctl refresh token is not an access token for jsonwebtoken (same secret)', () => {
  const [access, refresh] = jwtctlPair([], SECRET_ENV);
  assert.equal(jwt.verify(access, SECRET, { algorithms: ['HS256'], audience: 'api' }).sub, 'alice');
  nodeRejects(refresh, SECRET, 'HS256', 'invalid signature');
});

check('ES256: a jwtctl refresh token is not an access token for jsonwebtoken (public key)', () => {
  const [access, refresh] = jwtctlPair(['--key-file', path.join(KEYS, 'ec.key.pem')]);
  const publicKey = pem('ec.pub.pem');
  assert.equal(jwt.verify(access, publicKey, { algorithms: ['ES256'], audience: 'api' }).sub, 'alice');
  nodeRejects(refresh, publicKey, 'ES256');
});

console.log(`interop: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
