//! PostgreSQL over TLS: libpq is built with TLS (against a vendored
//! OpenSSL), so `sslmode=require` encrypts and `verify-full` checks the
//! server's certificate against a CA file; over loopback a URL that says
//! nothing about TLS connects without it (`store::loopback_tls`). Runs in
//! the PostgreSQL half of the suite (CI runs both); the server there has
//! TLS on (Debian's default, with its self-signed certificate).

use diesel::sql_types::Bool;
use diesel::RunQueryDsl;

use gatehouse::store::pool::reachable;
use gatehouse::store::{DbConn, StoreError};

use crate::support::db::TestDb;
use crate::support::TestApp;

/// `url` with `params` added to its query.
fn with(url: &str, params: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{params}")
}

#[derive(diesel::QueryableByName)]
struct Ssl {
    #[diesel(sql_type = Bool)]
    ssl: bool,
}

/// Whether the app's readers talk to PostgreSQL over TLS.
async fn encrypted(app: &TestApp) -> bool {
    app.state
        .store
        .read(|conn| -> Result<bool, StoreError> {
            let DbConn::Postgres(pg) = conn else {
                return Ok(false);
            };
            let row: Ssl =
                diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                    .get_result(pg)?;
            Ok(row.ssl)
        })
        .await
        .unwrap()
}

/// A setting of the suite's PostgreSQL server, as `SHOW` gives it.
fn server_setting(admin_url: &str, name: &str) -> String {
    use diesel::Connection;
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    openssl_sys::init(); // as support::db does, before libpq starts OpenSSL
    let mut conn = diesel::PgConnection::establish(admin_url).unwrap();
    diesel::sql_query("SELECT current_setting($1) AS value")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Setting>(&mut conn)
        .unwrap()
        .value
}

/// The server's certificate file and the host name it is made out to.
fn server_certificate(admin_url: &str) -> (String, String) {
    let file = server_setting(admin_url, "ssl_cert_file");
    let subject = std::process::Command::new("openssl")
        .args([
            "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", &file,
        ])
        .output()
        .expect("openssl (the command) reads the server's certificate");
    let subject = String::from_utf8_lossy(&subject.stdout).into_owned();
    let host = subject
        .split(['=', ',', '\n'])
        .skip_while(|part| part.trim() != "CN" && !part.ends_with("CN"))
        .nth(1)
        .unwrap_or_else(|| panic!("no CN in {subject}"))
        .trim()
        .to_owned();
    (file, host)
}

#[actix_web::test]
async fn postgres_connections_can_require_and_verify_tls() {
    let Ok(admin_url) = std::env::var("GATEHOUSE_TEST_POSTGRES") else {
        return;
    };
    // sslmode=require: every connection the app makes is encrypted.
    let app = TestApp::builder()
        .database(TestDb::postgres(&with(&admin_url, "sslmode=require")))
        .start()
        .await;
    assert!(
        encrypted(&app).await,
        "sslmode=require gave a plain connection"
    );
    assert_eq!(app.create_user("tls@x.org").await["userName"], "tls@x.org");

    // verify-full against the CA that signed the server's certificate,
    // under the name it is made out to.
    let (ca, host) = server_certificate(&admin_url);
    let url = format!(
        "postgres://postgres@{host}:5432/test?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={ca}"
    );
    reachable(&url).unwrap_or_else(|e| panic!("verify-full with the right CA: {e}"));

    // ... and refused against another CA, with the reason.
    let dir = tempfile::tempdir().unwrap();
    let other = rcgen::generate_simple_self_signed(vec![host.clone()]).unwrap();
    let other_ca = dir.path().join("other-ca.pem");
    std::fs::write(&other_ca, other.cert.pem()).unwrap();
    let url = format!(
        "postgres://postgres@{host}:5432/test?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={}",
        other_ca.display()
    );
    let refused = reachable(&url).unwrap_err().to_string();
    assert!(refused.contains("certificate verify failed"), "{refused}");

    // ... and refused under a name the certificate does not carry.
    let url =
        format!("postgres://postgres@127.0.0.1:5432/test?sslmode=verify-full&sslrootcert={ca}");
    let refused = reachable(&url).unwrap_err().to_string();
    assert!(refused.contains("does not match host name"), "{refused}");
}

#[actix_web::test]
async fn loopback_connections_skip_tls_unless_the_url_asks_for_it() {
    let Ok(admin_url) = std::env::var("GATEHOUSE_TEST_POSTGRES") else {
        return;
    };
    if !(admin_url.contains("@127.0.0.1:") || admin_url.contains("@localhost:")) {
        // Not on loopback (CI's default URL is): TLS stays libpq's choice.
        return;
    }
    // The suite's URL names 127.0.0.1 and says nothing about TLS: plain,
    // though the server offers TLS (Debian's default has it on).
    let app = TestApp::builder()
        .database(TestDb::postgres(&admin_url))
        .start()
        .await;
    assert!(
        !encrypted(&app).await,
        "a loopback URL without sslmode was encrypted"
    );
    assert_eq!(
        app.create_user("plain@x.org").await["userName"],
        "plain@x.org"
    );

    // libpq's own default, asked for by name: TLS whenever offered.
    let app = TestApp::builder()
        .database(TestDb::postgres(&with(&admin_url, "sslmode=prefer")))
        .start()
        .await;
    assert_eq!(
        encrypted(&app).await,
        server_setting(&admin_url, "ssl") == "on",
        "sslmode=prefer, as written, is libpq's to apply"
    );
}
