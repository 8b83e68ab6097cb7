// The whole round trip with the npm package `openid-client`, unchanged: discovery, PKCE
// authorization URL, code exchange with ID token validation, UserInfo, refresh (and the
// replay of the old refresh token), introspection, revocation, the end-session URL.
// The person's part (login form, cookies) is done with plain fetch. Prints one JSON object.
import * as client from "openid-client";

const input = JSON.parse(process.env.OIDC_TEST_INPUT);
const jar = new Map();

async function browse(url, init = {}) {
  const headers = { ...(init.headers || {}), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") };
  const response = await fetch(url, { ...init, headers, redirect: "manual" });
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(";");
    const at = pair.indexOf("=");
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return response;
}

async function signIn(authorizationUrl) {
  let response = await browse(authorizationUrl);
  const login = new URL(response.headers.get("location"), authorizationUrl);
  const page = await (await browse(login)).text();
  const csrf = page.match(/name="csrfmiddlewaretoken" value="([^"]+)"/)[1];
  response = await browse(login, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ identifier: input.username, password: input.password,
                                next: login.searchParams.get("next"), csrfmiddlewaretoken: csrf }),
  });
  response = await browse(new URL(response.headers.get("location"), authorizationUrl));
  return new URL(response.headers.get("location"));
}

const config = await client.discovery(new URL(input.issuer), input.clientId, input.clientSecret,
                                      client.ClientSecretBasic(input.clientSecret),
                                      { execute: [client.allowInsecureRequests] });
const verifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: input.redirectUri, scope: "openid profile email roles", state, nonce,
  code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256",
});
const callback = await signIn(authorizationUrl);
const tokens = await client.authorizationCodeGrant(config, callback, {
  pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
});
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
let replay = "accepted";
try {
  await client.refreshTokenGrant(config, tokens.refresh_token);
} catch (error) {
  replay = error.error || error.code || String(error);
}
const afterReplay = await client.tokenIntrospection(config, refreshed.access_token);
const endSession = client.buildEndSessionUrl(config, {
  id_token_hint: tokens.id_token, post_logout_redirect_uri: input.postLogoutUri, state: "bye",
});
const logout = await browse(endSession);
const fresh = await signIn(client.buildAuthorizationUrl(config, {
  redirect_uri: input.redirectUri, scope: "openid", state, code_challenge:
  await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" }));
const second = await client.authorizationCodeGrant(config, fresh, { pkceCodeVerifier: verifier, expectedState: state });
await client.tokenRevocation(config, second.refresh_token);
const revoked = await client.tokenIntrospection(config, second.access_token);

console.log(JSON.stringify({
  claims, userinfo, refreshedClaims: refreshed.claims(), replay,
  activeAfterReplay: afterReplay.active, logoutStatus: logout.status,
  logoutLocation: logout.headers.get("location"), activeAfterRevocation: revoked.active,
}));
