// A real OpenID provider for the console's browser test: the certified
// `oidc-provider` package (panva), with its development login and consent
// pages. Any login is accepted; the account's email is the login.
//
//   node provider.mjs PORT REDIRECT_URI CLIENT_ID CLIENT_SECRET
//
// Prints "listening" once it serves http://127.0.0.1:PORT (the issuer).
// Found through NODE_PATH (the test sets it to the npm install's
// node_modules), so this file needs no package.json of its own.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { default: Provider } = await import(require.resolve('oidc-provider', {
  paths: (process.env.NODE_PATH || '').split(':').filter(Boolean),
}));

const [port, redirectUri, clientId, clientSecret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() { return { sub: id, email: id, email_verified: true }; },
    };
  },
  pkce: { methods: ['S256'], required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['gatehouse-browser-test'] },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));

provider.listen(Number(port), '127.0.0.1', () => console.log('listening'));
