// A real OpenID provider for orgreg's sign-in tests: the OpenID Certified `oidc-provider`
// on a free loopback port, started by tests/oidc/provider.py.
//
//   node provider.mjs STATE_JSON READY_FILE
//
// STATE_JSON is written by the test and read again at every request, so a test changes an
// account's groups (or how the next ID token is spoiled) between two sign-ins:
//   {"clients": [{"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris"}],
//    "accounts": {"<sub>": {"username", "password", "email", "given_name", "family_name",
//                           "groups": [...]}},
//    "id_token": "as-issued" | "tampered" | "wrong-audience" | "expired" | "foreign-key" |
//                "resigned"}
// The clients are read once, at start. When listening, the issuer URL is written to READY_FILE.
//
// Test-only on purpose: the signing key is made at start and lives in this process, the
// cookie key is fixed, and "id_token" makes the token endpoint send a spoiled ID token (signed
// by this provider's own key, by a foreign key, or altered after signing), as a compromised or
// misconfigured provider would.

import fs from 'node:fs';
import http from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const [statePath, readyPath] = process.argv.slice(2);
const readState = () => JSON.parse(fs.readFileSync(statePath, 'utf8'));
const KID = 'orgreg-test-key';

const own = await jose.generateKeyPair('RS256', { extractable: true });
const foreign = await jose.generateKeyPair('RS256');
const signingKey = { ...(await jose.exportJWK(own.privateKey)), kid: KID, alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html><html lang="da"><head><meta charset="utf-8">
<title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;

function accountClaims(sub, account) {
  const { username, password, ...claims } = account; // eslint-disable-line no-unused-vars
  return {
    sub,
    preferred_username: username,
    name: [account.given_name, account.family_name].filter(Boolean).join(' '),
    email_verified: Boolean(account.email),
    ...claims,
  };
}

async function logoutSource(ctx, form) {
  ctx.body = page('Log ud hos test-udbyderen', `${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, log mig ud</button>
<button type="submit" form="op.logoutForm">Nej, bliv logget ind</button>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = page('Logget ud hos test-udbyderen', '<p>Du er logget ud.</p>');
}

const provider = new Provider(issuer, {
  clients: readState().clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...client,
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: ['orgreg-test-cookie-key'] },
  pkce: { required: () => true },
  // Groups under openid, as Entra ID sends them whatever the scopes.
  claims: {
    openid: ['sub', 'groups'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username', 'employee_number'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
  },
  async findAccount(ctx, sub) {
    const account = readState().accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => accountClaims(sub, account) };
  },
  // orgreg is the municipality's own application: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const grant = await ctx.oidc.provider.Grant.find(grantId);
      if (grant) return grant;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600,
    Session: 3600, Grant: 3600,
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Fejl hos test-udbyderen', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
});

// The ID token as the test asked for it in "id_token".
async function spoil(idToken, mode) {
  const [header, payload, signature] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const sign = (body, key) => new jose.CompactSign(Buffer.from(JSON.stringify(body)))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: KID }).sign(key);
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'tampered': {
      const altered = { ...claims, groups: ['grp-it-drift'], name: 'Ændret efter signering' };
      return `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
    }
    case 'wrong-audience': return sign({ ...claims, aud: 'et-andet-system' }, own.privateKey);
    case 'expired': return sign({ ...claims, iat: now - 7200, exp: now - 3600 }, own.privateKey);
    case 'foreign-key': return sign(claims, foreign.privateKey);
    case 'resigned': return sign(claims, own.privateKey);
    default: throw new Error(`unknown id_token mode ${mode}`);
  }
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || !ctx.body?.id_token) return;
  const mode = readState().id_token || 'as-issued';
  if (mode !== 'as-issued') ctx.body = { ...ctx.body, id_token: await spoil(ctx.body.id_token, mode) };
});

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginForm(uid, error = '') {
  return page('Log ind hos test-udbyderen', `${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<p><label for="login">Brugernavn</label> <input id="login" name="login" autocomplete="username"></p>
<p><label for="password">Adgangskode</label> <input id="password" name="password" type="password"></p>
<button type="submit">Log ind hos test-udbyderen</button>
</form>`);
}

async function interaction(req, res, uid, submitted) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name !== 'login') {
    // Consent is given by loadExistingGrant; any other prompt is finished as it stands.
    await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
    return;
  }
  if (!submitted) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(loginForm(uid));
    return;
  }
  const form = await readForm(req);
  const found = Object.entries(readState().accounts).find(([, account]) => (
    account.username === form.get('login') && account.password === form.get('password')));
  if (!found) {
    res.statusCode = 401;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(loginForm(uid, 'Forkert brugernavn eller adgangskode.'));
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: found[0] } },
    { mergeWithLastSubmission: false });
}

const handle = provider.callback();
server.on('request', async (req, res) => {
  const match = new URL(req.url, issuer).pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) {
    handle(req, res);
    return;
  }
  try {
    await interaction(req, res, match[1], req.method === 'POST' && Boolean(match[2]));
  } catch (error) {
    res.statusCode = 400;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(String(error));
  }
});

fs.writeFileSync(`${readyPath}.tmp`, issuer);
fs.renameSync(`${readyPath}.tmp`, readyPath);
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
