// Local OpenID Provider for SchoolWell tests and the demo ("Riverbend SSO").
//
// LOCAL USE ONLY: fixed cookie keys, in-memory storage, plain-text passwords from the config
// file, and any 6-digit one-time code is accepted. Never expose it to a network.
//
// Usage: node server.mjs config.json   (see README.md for the config format)

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, CompactSign, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import Provider from 'oidc-provider';

const STANDARD_CLAIMS = {
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username'],
};
const NOT_CLAIMS = new Set(['password', 'sub', ...STANDARD_CLAIMS.email, ...STANDARD_CLAIMS.profile]);
const TAMPER_MODES = new Set([
  'none', 'wrong_key', 'wrong_aud', 'skew_future', 'skew_past', 'no_nonce', 'bad_nonce',
]);
const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)$/;

function fail(message) {
  process.stderr.write(`local-idp: ${message}\n`);
  process.exit(2);
}

if (!process.argv[2]) fail('usage: node server.mjs <config.json>');
let config;
try {
  config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
} catch (err) {
  fail(`cannot read config ${process.argv[2]}: ${err.message}`);
}
if (!config.issuer) fail('config.issuer is required');
const issuerUrl = new URL(config.issuer);
const port = Number(config.port || issuerUrl.port || 80);
const host = config.host || '127.0.0.1';
const title = config.title || 'Riverbend SSO (local test identity provider)';
const users = config.users || [];
const extraClaims = [...new Set(users.flatMap((u) => Object.keys(u)).filter((k) => !NOT_CLAIMS.has(k)))];

// ---------------------------------------------------------------- signing key
function rsaPrivateJwk() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'jwk' });
}

const signingJwk = { ...(config.signing_key || rsaPrivateJwk()) };
signingJwk.alg ||= 'RS256';
signingJwk.use ||= 'sig';
signingJwk.kid ||= await calculateJwkThumbprint(signingJwk);
const signingKey = await importJWK(signingJwk, signingJwk.alg);

// ---------------------------------------------------------------- html helpers
function esc(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin-top:1rem}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin-top:1.2rem;padding:.5rem 1.2rem}.error{color:#a00;font-weight:bold}
.note{color:#555;font-size:.9rem}`;

function page(heading, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(heading)} - ${esc(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(title)}</h1>
<h2>${esc(heading)}</h2>
${body}
</body>
</html>`;
}

function loginPage(uid, { error, username = '', clientId } = {}) {
  return page('Sign in', `
${clientId ? `<p class="note">Signing in to <strong>${esc(clientId)}</strong>.</p>` : ''}
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}" autocomplete="off">
  <label for="username">Username or email</label>
  <input id="username" name="username" type="text" value="${esc(username)}" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" required>
  <label for="otp">One-time code (optional)</label>
  <input id="otp" name="otp" type="text" inputmode="numeric" pattern="[0-9]{6}">
  <button type="submit">Sign in</button>
</form>
<p class="note">Local test identity provider: any 6-digit one-time code is accepted.</p>`);
}

// ---------------------------------------------------------------- accounts
function findUserByLogin(login) {
  const wanted = String(login || '').trim().toLowerCase();
  if (!wanted) return undefined;
  return users.find((u) => [u.preferred_username, u.email]
    .some((v) => typeof v === 'string' && v.toLowerCase() === wanted));
}

async function findAccount(ctx, sub) {
  const user = users.find((u) => String(u.sub) === String(sub));
  if (!user) return undefined;
  return {
    accountId: String(user.sub),
    async claims() {
      const { password, ...claims } = user;
      return { ...claims, sub: String(user.sub) };
    },
  };
}

// Consent is automatic: every configured client gets the OIDC scopes and claims it asks for.
async function loadExistingGrant(ctx) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
  let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  if (!grant || grant.accountId !== oidc.session.accountId) {
    grant = new oidc.provider.Grant({ accountId: oidc.session.accountId, clientId: oidc.client.clientId });
  }
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  if (oidc.requestParamClaims?.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
  await grant.save();
  return grant;
}

// ---------------------------------------------------------------- provider
const clients = (config.clients || []).map(({
  client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris,
  post_logout_redirect_uris: postLogoutRedirectUris = [], ...rest
}) => ({
  client_id: clientId,
  client_secret: clientSecret,
  redirect_uris: redirectUris,
  post_logout_redirect_uris: postLogoutRedirectUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic', // client_secret_post is accepted too
  ...rest,
}));

const provider = new Provider(config.issuer, {
  clients,
  findAccount,
  loadExistingGrant,
  jwks: { keys: [signingJwk] },
  acrValues: ['pwd', 'mfa'], // without acrValues oidc-provider drops the acr claim
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  claims: {
    iss: null,
    sid: null,
    // acr/amr/auth_time would otherwise only be released when asked for (acr_values, max_age);
    // the extra user claims (e.g. user_master_identifier) are released with the openid scope too.
    openid: ['sub', 'acr', 'amr', 'auth_time', ...extraClaims],
    ...STANDARD_CLAIMS,
  },
  conformIdTokenClaims: false, // put the scope's claims in the ID token, not only in userinfo
  pkce: { required: () => true }, // S256 is the only method oidc-provider supports
  clientBasedCORS: () => false,
  cookies: {
    names: { session: 'rbidp_session', interaction: 'rbidp_interaction', resume: 'rbidp_resume' },
    keys: ['local-idp-dev-key-not-secret-1', 'local-idp-dev-key-not-secret-2'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // Sign out without asking (auto-submitted form). The button is the no-JavaScript fallback.
      async logoutSource(ctx, form) {
        const withLogout = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
        ctx.type = 'html';
        ctx.body = page('Signing out', `${withLogout}
<p>Signing you out…</p>
<button id="logout-confirm" type="submit" form="op.logoutForm">Yes, sign me out</button>
<script>document.forms[0].submit();</script>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.type = 'html';
        ctx.body = page('Signed out', '<p>You have been signed out.</p>');
      },
    },
  },
  interactions: { url: async (ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', Object.entries(out)
      .map(([k, v]) => `<p><strong>${esc(k)}</strong>: ${esc(v)}</p>`).join('\n'));
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 3600,
    Session: 86400,
    Grant: 86400,
    RefreshToken: 86400,
  },
});

// ---------------------------------------------------------------- interactions
async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function finish(ctx, result) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result);
  ctx.status = 303;
  ctx.redirect(returnTo);
}

async function autoConsent(ctx, details) {
  const { accountId } = details.session;
  const { client_id: clientId, scope = 'openid' } = details.params;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(scope);
  const missing = details.prompt.details.missingOIDCClaims;
  if (missing?.length) grant.addOIDCClaims(missing);
  const grantId = await grant.save();
  await finish(ctx, { consent: { grantId } });
}

async function handleInteraction(ctx, uid) {
  ctx.set('cache-control', 'no-store');
  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page('Error', `<p class="error">This sign-in request has expired (${esc(err.message)}).
Go back to the application and start again.</p>`);
    return;
  }
  if (details.uid !== uid) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = page('Error', '<p class="error">Unknown sign-in request.</p>');
    return;
  }
  const clientId = details.params.client_id;

  if (details.prompt.name !== 'login') {
    await autoConsent(ctx, details);
    return;
  }
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = loginPage(uid, { clientId });
    return;
  }
  if (ctx.method !== 'POST') {
    ctx.status = 405;
    return;
  }
  const form = await readForm(ctx.req);
  const username = form.get('username') || '';
  const otp = (form.get('otp') || '').replace(/\s+/g, '');
  const user = findUserByLogin(username);
  let error;
  if (!user || typeof user.password !== 'string' || user.password !== (form.get('password') || '')) {
    error = 'Wrong username or password.';
  } else if (otp && !/^[0-9]{6}$/.test(otp)) {
    error = 'The one-time code must be 6 digits.';
  }
  if (error) {
    ctx.type = 'html';
    ctx.body = loginPage(uid, { error, username, clientId });
    return;
  }
  const mfa = Boolean(otp);
  await finish(ctx, {
    login: {
      accountId: String(user.sub),
      amr: mfa ? ['pwd', 'otp'] : ['pwd'],
      acr: mfa ? 'mfa' : 'pwd',
      remember: false,
    },
  });
}

// ---------------------------------------------------------------- ID token tampering (tests)
let tamper = 'none';

async function tamperIdToken(jwt, mode) {
  const header = decodeProtectedHeader(jwt);
  const claims = decodeJwt(jwt);
  const now = Math.floor(Date.now() / 1000);
  let key = signingKey;
  switch (mode) {
    case 'wrong_key':
      key = await importJWK(rsaPrivateJwk(), header.alg);
      break;
    case 'wrong_aud':
      claims.aud = 'someone-else';
      break;
    case 'skew_future':
      for (const c of ['iat', 'nbf', 'exp', 'auth_time']) if (typeof claims[c] === 'number') claims[c] += 600;
      claims.nbf ??= claims.iat;
      break;
    case 'skew_past':
      for (const c of ['iat', 'auth_time']) if (typeof claims[c] === 'number') claims[c] -= 3600;
      claims.exp = now - 600;
      break;
    case 'no_nonce':
      delete claims.nonce;
      break;
    case 'bad_nonce':
      claims.nonce = 'not-the-nonce';
      break;
    default:
      return jwt;
  }
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader(header)
    .sign(key);
}

function json(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'json';
  ctx.body = body;
}

const tokenPath = '/token'; // routes.token default

provider.use(async (ctx, next) => {
  if (ctx.path === '/__health') {
    ctx.type = 'text';
    ctx.body = 'ok';
    return;
  }
  if (ctx.path === '/__control' && config.control) {
    if (ctx.method === 'GET') {
      json(ctx, 200, { tamper });
    } else if (ctx.method === 'POST') {
      let body;
      try {
        const chunks = [];
        for await (const chunk of ctx.req) chunks.push(chunk);
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        json(ctx, 400, { error: 'body must be JSON' });
        return;
      }
      if (!TAMPER_MODES.has(body.tamper)) {
        json(ctx, 400, { error: `tamper must be one of ${[...TAMPER_MODES].join(', ')}` });
        return;
      }
      tamper = body.tamper;
      json(ctx, 200, { tamper });
    } else {
      ctx.status = 405;
    }
    return;
  }
  const match = INTERACTION_PATH.exec(ctx.path);
  if (match) {
    await handleInteraction(ctx, match[1]);
    return;
  }
  await next();
  if (tamper !== 'none' && ctx.path === tokenPath && ctx.status === 200
      && ctx.body && typeof ctx.body === 'object' && typeof ctx.body.id_token === 'string') {
    ctx.body = { ...ctx.body, id_token: await tamperIdToken(ctx.body.id_token, tamper) };
  }
});

// ---------------------------------------------------------------- start / stop
const server = provider.listen(port, host, () => {
  process.stdout.write(`local-idp listening on ${config.issuer}\n`);
});
server.on('error', (err) => fail(`cannot listen on ${host}:${port}: ${err.message}`));

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
