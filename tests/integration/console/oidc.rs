//! Console sign-in with an OpenID provider, against a stand-in provider
//! started here (discovery, JWKS, a token endpoint that checks PKCE and
//! hands out ES256 ID tokens the test shapes): a person with an admin role
//! signs in and sees what the role allows; a token with a wrong audience,
//! a bad signature, another sign-in's nonce (replayed), or past its
//! expiry is refused, as is a callback used twice or from another browser.
//! The browser test (`browser_smoke`) does the same against the certified
//! `oidc-provider` package under Node.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::client::Console;
use crate::support::TestApp;

const CLIENT_ID: &str = "gatehouse-console";
const CLIENT_SECRET: &str = "console-secret";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn key_pair() -> EcdsaKeyPair {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap()
}

/// A compact JWS (ES256) of `claims`, signed with `key`.
fn sign(key: &EcdsaKeyPair, claims: &Value) -> String {
    let header = json!({"alg": "ES256", "kid": "k1", "typ": "JWT"});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = key.sign(&SystemRandom::new(), input.as_bytes()).unwrap();
    format!("{input}.{}", b64(signature.as_ref()))
}

/// A code handed out at the authorization step: what the token endpoint
/// will check and put in the ID token.
struct Grant {
    challenge: String,
    claims: Value,
    /// Sign with a key the provider never published.
    forged: bool,
}

struct Provider {
    issuer: String,
    /// Takes the client's secret only in the token request's body
    /// (`client_secret_post`), not in HTTP Basic.
    post_only: bool,
    key: EcdsaKeyPair,
    impostor: EcdsaKeyPair,
    grants: Mutex<HashMap<String, Grant>>,
}

async fn discovery(p: web::Data<Provider>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "issuer": p.issuer,
        "authorization_endpoint": format!("{}/authorize", p.issuer),
        "token_endpoint": format!("{}/token", p.issuer),
        "jwks_uri": format!("{}/jwks", p.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported":
            if p.post_only { json!(["client_secret_post"]) } else { json!(["client_secret_basic"]) },
    }))
}

async fn jwks(p: web::Data<Provider>) -> HttpResponse {
    let point = p.key.public_key().as_ref();
    let (x, y) = point[1..].split_at(32);
    HttpResponse::Ok().json(json!({"keys": [{
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "k1",
        "x": b64(x), "y": b64(y),
    }]}))
}

/// The token endpoint: the client's secret, the code, and the PKCE
/// verifier whose S256 is the challenge the authorization step carried.
async fn token(p: web::Data<Provider>, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let authorized = if p.post_only {
        form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
            && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
    } else {
        req.headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(basic.as_str())
    };
    let grant = p
        .grants
        .lock()
        .unwrap()
        .remove(form.get("code").map(String::as_str).unwrap_or_default());
    let Some(grant) = grant.filter(|_| authorized) else {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_grant"}));
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if b64(&Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return HttpResponse::BadRequest()
            .json(json!({"error": "invalid_grant", "error_description": "PKCE verifier"}));
    }
    let key = if grant.forged { &p.impostor } else { &p.key };
    HttpResponse::Ok().json(json!({
        "access_token": "at", "token_type": "Bearer", "expires_in": 300,
        "id_token": sign(key, &grant.claims),
    }))
}

async fn start_provider() -> Arc<Provider> {
    start_provider_taking(false).await
}

async fn start_provider_taking(post_only: bool) -> Arc<Provider> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let provider = Arc::new(Provider {
        issuer,
        post_only,
        key: key_pair(),
        impostor: key_pair(),
        grants: Mutex::new(HashMap::new()),
    });
    let data = web::Data::from(provider.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route(
                "/.well-known/openid-configuration",
                web::get().to(discovery),
            )
            .route("/jwks", web::get().to(jwks))
            .route("/token", web::post().to(token))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    provider
}

async fn app_with(provider: &Provider) -> TestApp {
    let issuer = provider.issuer.clone();
    TestApp::builder()
        .settings(move |s| {
            s.oidc = Some(gatehouse::config::OidcSettings {
                issuer,
                client_id: CLIENT_ID.into(),
                client_secret: Some(CLIENT_SECRET.into()),
            })
        })
        .start()
        .await
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// How the stand-in provider shapes the ID token of one sign-in.
#[derive(Clone, Default)]
struct Shape {
    email: &'static str,
    audience: Option<&'static str>,
    /// Another sign-in's nonce (a replayed token).
    nonce: Option<String>,
    expired: bool,
    forged: bool,
}

/// One sign-in: to the provider and back. The nonce this sign-in asked
/// for, and the callback's page.
async fn sign_in(
    console: &mut Console<'_>,
    provider: &Provider,
    shape: Shape,
) -> (String, super::client::Page) {
    let started = console.get("/console/sign-in/oidc").await;
    assert_eq!(started.status, 303, "{}", started.text);
    let location = url::Url::parse(&started.header("location").unwrap()).unwrap();
    assert!(location
        .as_str()
        .starts_with(&format!("{}/authorize", provider.issuer)));
    let q: HashMap<String, String> = location.query_pairs().into_owned().collect();
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["code_challenge_method"], "S256", "PKCE");
    assert!(q["scope"].contains("openid") && q["scope"].contains("email"));
    let state_cookie = started
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let nonce = q["nonce"].clone();
    let now = now_secs();
    let claims = json!({
        "iss": provider.issuer,
        "aud": shape.audience.unwrap_or(CLIENT_ID),
        "sub": shape.email,
        "email": shape.email,
        "email_verified": true,
        "nonce": shape.nonce.clone().unwrap_or_else(|| nonce.clone()),
        "iat": now - 5,
        "exp": if shape.expired { now - 60 } else { now + 300 },
    });
    let code = format!("code-{}", b64(&Sha256::digest(q["state"].as_bytes())));
    provider.grants.lock().unwrap().insert(
        code.clone(),
        Grant {
            challenge: q["code_challenge"].clone(),
            claims,
            forged: shape.forged,
        },
    );
    let callback = format!(
        "/console/oidc/callback?code={code}&state={}",
        url::form_urlencoded::byte_serialize(q["state"].as_bytes()).collect::<String>()
    );
    let page = console
        .get_with(&callback, &[("Cookie", state_cookie.as_str())])
        .await;
    (nonce, page)
}

#[actix_web::test]
async fn a_person_signs_in_with_the_identity_provider_and_sees_what_their_role_allows() {
    let provider = start_provider().await;
    let app = app_with(&provider).await;
    app.create_product("acme", "jira-software", None).await;
    let grant = |body: Value| {
        let app = &app;
        async move {
            let r = app.admin_post("/admin-roles", &body).await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.json
        }
    };
    let ann = grant(json!({"role": "org-admin", "email": "ann@acme.test"})).await;
    // Auditors are run from the IdP: a group's members hold the role.
    grant(json!({"role": "auditor", "group": "Gatehouse Auditors"})).await;
    let carl = app.create_user("carl@acme.test").await;
    app.create_group("Gatehouse Auditors", &[carl["id"].as_str().unwrap()])
        .await;

    let page = Console::new(&app).get("/console/sign-in").await;
    assert!(page.text.contains("/console/sign-in/oidc"), "{}", page.text);

    // Ann, org admin: in, everything shown.
    let mut ann_console = Console::new(&app);
    let (_, page) = sign_in(
        &mut ann_console,
        &provider,
        Shape {
            email: "ann@acme.test",
            ..Shape::default()
        },
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(ann_console.cookie.is_some(), "a session");
    let overview = ann_console.get("/console").await;
    assert_eq!(overview.status, 200, "{}", overview.text);
    assert!(overview.text.contains("ann@acme.test"), "who is signed in");
    assert!(
        overview.text.contains("/console/audit"),
        "the audit log in the nav"
    );

    // Carl, an auditor through his IdP group: reads, but changes nothing.
    let mut carl_console = Console::new(&app);
    let (_, page) = sign_in(
        &mut carl_console,
        &provider,
        Shape {
            email: "carl@acme.test",
            ..Shape::default()
        },
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(carl_console.get("/console/audit").await.status, 200);
    let products = carl_console.get("/console/products").await;
    assert_eq!(products.status, 200, "{}", products.text);
    assert!(
        !products.text.contains("action=\"/console/sites\""),
        "no form an auditor can't send: {}",
        products.text
    );
    let refused = carl_console
        .submit("/console/products", "/console/sites", &[("name", "beta")])
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(refused.text.contains("auditor"), "{}", refused.text);

    // A product's user-access-admin (a product role, through a group):
    // no reports or audit log in the nav, and 403 there.
    let dana = app.create_user("dana@acme.test").await;
    let jira_admins = app
        .create_group("Jira admins", &[dana["id"].as_str().unwrap()])
        .await;
    app.map(
        jira_admins["id"].as_str().unwrap(),
        "jira-software",
        "user-access-admin",
    )
    .await;
    let mut dana_console = Console::new(&app);
    let (_, page) = sign_in(
        &mut dana_console,
        &provider,
        Shape {
            email: "dana@acme.test",
            ..Shape::default()
        },
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let overview = dana_console.get("/console").await;
    assert_eq!(overview.status, 200, "{}", overview.text);
    assert!(
        !overview.text.contains("/console/audit\""),
        "{}",
        overview.text
    );
    assert_eq!(dana_console.get("/console/audit").await.status, 403);

    // Someone the IdP vouches for but who holds no admin role: refused.
    let mut eve = Console::new(&app);
    let (_, page) = sign_in(
        &mut eve,
        &provider,
        Shape {
            email: "eve@acme.test",
            ..Shape::default()
        },
    )
    .await;
    assert_eq!(page.status, 403, "{}", page.text);
    assert!(page.text.contains("no admin role"), "{}", page.text);
    assert!(eve.cookie.is_none());

    // The audit log names the person, the way in and the role.
    let r = app.admin_get("/audit?action=console.signed_in").await;
    let by_ann = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["person"] == "ann@acme.test")
        .cloned()
        .unwrap_or_else(|| panic!("{}", r.text));
    assert_eq!(by_ann["actor_type"], "person");
    assert_eq!(by_ann["after"]["method"], "oidc");
    assert_eq!(by_ann["role"], "org-admin", "{by_ann}");
    assert_eq!(by_ann["scope"], "organization", "{by_ann}");

    // A role change takes effect on the next request: with Carl's group
    // grant gone, his session is over.
    let roles = app.admin_get("/admin-roles").await.json;
    let group_grant = roles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "Gatehouse Auditors")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.admin_delete(&format!("/admin-roles/{group_grant}"))
            .await
            .status,
        204
    );
    assert_eq!(carl_console.get("/console/audit").await.status, 303);
    // And Ann, the last person holding org-admin, can't be removed.
    let r = app
        .admin_delete(&format!("/admin-roles/{}", ann["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
}

#[actix_web::test]
async fn tokens_with_a_wrong_audience_a_bad_signature_a_replayed_nonce_or_past_expiry_are_refused()
{
    let provider = start_provider().await;
    let app = app_with(&provider).await;
    let r = app
        .admin_post(
            "/admin-roles",
            &json!({"role": "org-admin", "email": "ann@acme.test"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let ann = Shape {
        email: "ann@acme.test",
        ..Shape::default()
    };
    // A good sign-in first, whose nonce is then replayed.
    let mut first = Console::new(&app);
    let (spent_nonce, page) = sign_in(&mut first, &provider, ann.clone()).await;
    assert_eq!(page.status, 200, "{}", page.text);

    let cases: Vec<(&str, Shape, &str)> = vec![
        (
            "wrong audience",
            Shape {
                audience: Some("another-app"),
                ..ann.clone()
            },
            "audience",
        ),
        (
            "bad signature",
            Shape {
                forged: true,
                ..ann.clone()
            },
            "signature",
        ),
        (
            "replayed nonce",
            Shape {
                nonce: Some(spent_nonce.clone()),
                ..ann.clone()
            },
            "nonce",
        ),
        (
            "expired",
            Shape {
                expired: true,
                ..ann.clone()
            },
            "expire",
        ),
    ];
    for (what, shape, says) in cases {
        let mut console = Console::new(&app);
        let (_, page) = sign_in(&mut console, &provider, shape).await;
        assert_eq!(page.status, 401, "{what}: {}", page.text);
        assert!(
            page.text.to_lowercase().contains(says),
            "{what}: {}",
            page.text
        );
        assert!(console.cookie.is_none(), "{what}: no session");
    }

    // A callback used twice (a replayed state) and one from a browser that
    // did not start the sign-in are refused.
    let mut console = Console::new(&app);
    let started = console.get("/console/sign-in/oidc").await;
    let location = url::Url::parse(&started.header("location").unwrap()).unwrap();
    let q: HashMap<String, String> = location.query_pairs().into_owned().collect();
    let callback = format!(
        "/console/oidc/callback?code=nothing&state={}",
        url::form_urlencoded::byte_serialize(q["state"].as_bytes()).collect::<String>()
    );
    let no_cookie = console.get(&callback).await;
    assert_eq!(no_cookie.status, 401, "{}", no_cookie.text);
    assert!(no_cookie.text.contains("not started in this browser"));
    let cookie = started
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let once = console
        .get_with(&callback, &[("Cookie", cookie.as_str())])
        .await;
    assert_eq!(
        once.status, 401,
        "the provider refuses the code: {}",
        once.text
    );
    let twice = console
        .get_with(&callback, &[("Cookie", cookie.as_str())])
        .await;
    assert_eq!(twice.status, 401, "{}", twice.text);
    assert!(twice.text.contains("used already"), "{}", twice.text);
}

#[actix_web::test]
async fn the_first_org_admin_is_granted_in_the_console_by_the_operator_then_signs_in() {
    let provider = start_provider().await;
    let app = app_with(&provider).await;
    // Nobody holds a role yet: the IdP's people can't get in.
    let mut ann = Console::new(&app);
    let shape = Shape {
        email: "ann@acme.test",
        ..Shape::default()
    };
    let (_, page) = sign_in(&mut ann, &provider, shape.clone()).await;
    assert_eq!(page.status, 403, "{}", page.text);

    // The operator's break-glass link, then the Admins page.
    let mut operator = Console::signed_in(&app).await;
    let admins = operator.get("/console/admins").await;
    assert_eq!(admins.status, 200, "{}", admins.text);
    assert!(
        admins.text.contains("No admin role granted yet"),
        "{}",
        admins.text
    );
    let granted = operator
        .submit(
            "/console/admins",
            "/console/admins",
            &[
                ("kind", "person"),
                ("holder", "Ann@Acme.test"),
                ("role", "org-admin"),
            ],
        )
        .await;
    assert_eq!(granted.status, 303, "{}", granted.text);
    let refused = operator
        .submit(
            "/console/admins",
            "/console/admins",
            &[("kind", "group"), ("holder", "Ops"), ("role", "site-admin")],
        )
        .await;
    assert_eq!(
        refused.status, 400,
        "a site-admin needs a site: {}",
        refused.text
    );

    let (_, page) = sign_in(&mut ann, &provider, shape).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let admins = ann.get("/console/admins").await;
    assert!(admins.text.contains("ann@acme.test"), "{}", admins.text);
    // The grant was the operator's, through the link.
    let r = app.admin_get("/audit?action=admin_role.granted").await;
    assert_eq!(
        r.json["items"][0]["actor_type"], "console_link",
        "{}",
        r.text
    );
    assert_eq!(r.json["items"][0]["role"], "org-admin", "{}", r.text);
}

#[actix_web::test]
async fn an_unreachable_provider_is_a_clear_502_on_the_sign_in_page() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://127.0.0.1:{}", dead.local_addr().unwrap().port());
    drop(dead);
    let app = TestApp::builder()
        .settings(move |s| {
            s.oidc = Some(gatehouse::config::OidcSettings {
                issuer,
                client_id: CLIENT_ID.into(),
                client_secret: None,
            })
        })
        .start()
        .await;
    let mut console = Console::new(&app);
    let page = console.get("/console/sign-in/oidc").await;
    assert_eq!(page.status, 502, "{}", page.text);
    assert!(
        page.text.contains("discovery document could not be read"),
        "{}",
        page.text
    );
    assert!(console.cookie.is_none());
    // A callback with no sign-in behind it, and one the provider refused.
    let page = console.get("/console/oidc/callback?state=x").await;
    assert_eq!(page.status, 400, "{}", page.text);
    let page = console
        .get("/console/oidc/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E")
        .await;
    assert_eq!(page.status, 401, "{}", page.text);
    assert!(
        page.text
            .contains("access_denied: &#60;b&#62;no&#60;/b&#62;"),
        "escaped: {}",
        page.text
    );
}

#[actix_web::test]
async fn a_provider_taking_the_secret_only_in_the_body_signs_in_too() {
    let provider = start_provider_taking(true).await;
    let app = app_with(&provider).await;
    let r = app
        .admin_post(
            "/admin-roles",
            &json!({"role": "auditor", "email": "ann@acme.test"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let mut console = Console::new(&app);
    let (_, page) = sign_in(
        &mut console,
        &provider,
        Shape {
            email: "ann@acme.test",
            ..Shape::default()
        },
    )
    .await;
    assert_eq!(page.status, 200, "client_secret_post: {}", page.text);
}
