// A real OpenID Provider (node-oidc-provider, OpenID-certified) for jwtctl's remote-key tests.
// It listens on 127.0.0.1 only, issues JWT access tokens through the client-credentials grant
// (one resource server per algorithm: RS256, ES256, EdDSA), and rotates its keys on request.
//
//   node provider.mjs PORT     (0 for any free port)
//
// Prints one JSON line once it listens: {"issuer", "client_id", "client_secret", "kids"}.
// POST /__test/rotate replaces every key (new kids) and answers {"kids"}; the test-only route is
// outside the provider itself. Exits when its standard input closes, so a test that dies
// cannot leave it running.
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.argv[2] || 0);
const clientId = 'jwtctl-test';
const clientSecret = crypto.randomBytes(32).toString('base64url');
const algorithms = ['RS256', 'ES256', 'EdDSA'];
// The audience of each resource server names its algorithm, so a test asks for one by name.
const resource = (alg) => `https://api.example.test/${alg.toLowerCase()}`;

let generation = 0;

function signingKeys() {
  generation += 1;
  const make = (type, options, fields) => {
    const { privateKey } = crypto.generateKeyPairSync(type, options);
    return { ...privateKey.export({ format: 'jwk' }), use: 'sig', ...fields };
  };
  return [
    make('rsa', { modulusLength: 2048 }, { alg: 'RS256', kid: `rsa-${generation}` }),
    make('ec', { namedCurve: 'P-256' }, { alg: 'ES256', kid: `ec-${generation}` }),
    // No alg: its type implies EdDSA, as with many providers' Ed25519 keys.
    make('ed25519', {}, { kid: `ed-${generation}` }),
  ];
}

function makeProvider(issuer, keys) {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: 'read',
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys },
    scopes: ['openid', 'read'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource('RS256'),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          const alg = algorithms.find((candidate) => resource(candidate) === indicator);
          if (!alg) throw new Provider.errors.InvalidTarget();
          return {
            scope: 'read',
            audience: indicator,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          };
        },
      },
    },
    enabledJWA: {
      idTokenSigningAlgValues: algorithms,
    },
  });
  provider.on('server_error', (_ctx, error) => console.error('provider error:', error));
  return provider;
}

const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  let keys = signingKeys();
  let handler = makeProvider(issuer, keys).callback();
  const kids = () => Object.fromEntries(algorithms.map((alg, i) => [alg, keys[i].kid]));
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url === '/__test/rotate') {
      keys = signingKeys();
      handler = makeProvider(issuer, keys).callback();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ kids: kids() }));
      return;
    }
    handler(req, res);
  });
  process.stdout.write(
    `${JSON.stringify({ issuer, client_id: clientId, client_secret: clientSecret, kids: kids() })}\n`,
  );
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
