//! HTTPS: the server serves the certificate it is given, picks up a
//! renewed one without a restart, keeps the old one when the new files do
//! not make a pair, and refuses to start on a bad pair.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gatehouse::config::TlsFiles;
use gatehouse::http::tls::{ServerCertificate, TlsError};
use rustls::pki_types::{CertificateDer, ServerName};

use crate::support::TestApp;

/// A self-signed certificate for localhost: (certificate PEM, key PEM, DER).
fn self_signed() -> (String, String, CertificateDer<'static>) {
    let pair = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    (
        pair.cert.pem(),
        pair.signing_key.serialize_pem(),
        pair.cert.der().clone(),
    )
}

fn write(files: &TlsFiles, cert: &str, key: &str) {
    std::fs::write(&files.cert, cert).unwrap();
    std::fs::write(&files.key, key).unwrap();
}

fn files_in(dir: &Path) -> TlsFiles {
    TlsFiles {
        cert: dir.join("server.crt"),
        key: dir.join("server.key"),
    }
}

/// `GET path` over TLS to 127.0.0.1:`port` as "localhost", trusting only
/// `root`: the response's text, or why the handshake or request failed.
async fn https_get(
    port: u16,
    root: &CertificateDer<'static>,
    path: &str,
    token: &str,
) -> Result<String, String> {
    let root = root.clone();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    actix_web::rt::task::spawn_blocking(move || {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(root).map_err(|e| e.to_string())?;
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let name = ServerName::try_from("localhost").map_err(|e| e.to_string())?;
        let mut conn =
            rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
        let mut socket = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        let mut stream = rustls::Stream::new(&mut conn, &mut socket);
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Ok(_) => {}
            // A server that closes without close_notify still answered.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !answer.is_empty() => {}
            Err(e) => return Err(e.to_string()),
        }
        Ok(String::from_utf8_lossy(&answer).into_owned())
    })
    .await
    .unwrap()
}

fn port(app: &TestApp) -> u16 {
    app.base.rsplit(':').next().unwrap().parse().unwrap()
}

#[actix_web::test]
async fn https_is_served_and_a_renewed_certificate_is_picked_up_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let files = files_in(dir.path());
    let (cert_a, key_a, der_a) = self_signed();
    write(&files, &cert_a, &key_a);
    let app = TestApp::builder()
        .settings(|s| s.tls = Some(files.clone()))
        .start()
        .await;
    assert!(app.base.starts_with("https://"), "{}", app.base);
    let port = port(&app);
    let token = app.directory.token.clone();

    let answer = https_get(port, &der_a, "/scim/v2/Users?count=1", &token)
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Locations are made from the request: over TLS they say https.
    let answer = https_get(port, &der_a, "/scim/v2/ServiceProviderConfig", &token)
        .await
        .unwrap();
    assert!(answer.contains("https://localhost:"), "{answer}");

    // Plain HTTP to the TLS port gets no HTTP answer.
    let plain = awc::Client::default()
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await;
    assert!(plain.map(|r| r.status().as_u16()).unwrap_or(0) != 200);

    // Renewal: new files; new connections get the new certificate.
    let (cert_b, key_b, der_b) = self_signed();
    write(&files, &cert_b, &key_b);
    let started = Instant::now();
    loop {
        if https_get(port, &der_b, "/healthz", "").await.is_ok() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the renewed certificate was never served"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let old = https_get(port, &der_a, "/healthz", "").await;
    assert!(old.is_err(), "the old certificate is still served");

    // A half-done renewal (a certificate without its key) keeps the pair
    // that works.
    let (cert_c, _, der_c) = self_signed();
    write(&files, &cert_c, &key_b);
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let answer = https_get(port, &der_b, "/healthz", "").await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(https_get(port, &der_c, "/healthz", "").await.is_err());
}

#[test]
fn a_bad_pair_is_refused_at_start_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let files = files_in(dir.path());
    let (cert_a, _, _) = self_signed();
    let (_, key_b, _) = self_signed();
    write(&files, &cert_a, &key_b);
    let refused = ServerCertificate::load(&files).unwrap_err();
    assert!(matches!(refused, TlsError::Mismatch(_)), "{refused}");

    write(&files, "not a certificate", &key_b);
    let refused = ServerCertificate::load(&files).unwrap_err();
    assert!(matches!(refused, TlsError::NoCertificate(_)), "{refused}");

    write(&files, &cert_a, "");
    let refused = ServerCertificate::load(&files).unwrap_err();
    assert!(refused.to_string().contains("server.key"), "{refused}");
}
