//! No TLS by default to a PostgreSQL on this host.
//!
//! libpq's default, `sslmode=prefer`, encrypts whenever the server offers
//! TLS, also over loopback, and costs the cipher on both sides of every
//! statement: 19-35% of the `userName eq` lookups a second on two cores
//! (bench/results/2026-12-05T172500Z-postgres-tls). Between two processes
//! of one host it protects nothing: the traffic never leaves the kernel,
//! reading it takes the privileges that read the server's memory, and
//! `prefer` checks no certificate. But a loopback address may also be a
//! forwarder's (an SSH tunnel, a TCP proxy) to a database elsewhere, and
//! there TLS covers the hop past the forwarder.
//!
//! So for a URL that reaches the database over loopback only and says
//! nothing about TLS (nor leaves it to libpq's environment or a service
//! file), the first connection is made as written and asks the database
//! the address it was reached at (`inet_server_addr()`). Only when that is
//! a loopback address too, the database itself listening on this host,
//! are connections from then on made with `sslmode=allow`: libpq connects
//! in plain, and with TLS where the server insists (a `hostssl` line in
//! `pg_hba.conf`), so no working set-up stops working. Anything else is
//! left to libpq as written.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// URL parameters that decide, or take part in, how libpq uses TLS (or
/// where it connects): a URL with any of them is left as written.
const TLS_PARAMETERS: &[&str] = &[
    "sslmode",
    "requiressl",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "channel_binding",
    "gssencmode",
    "host",
    "hostaddr",
    "service",
];

/// libpq's environment variables that do the same when the URL does not.
const TLS_ENVIRONMENT: &[&str] = &[
    "PGSSLMODE",
    "PGREQUIRESSL",
    "PGSSLCERT",
    "PGSSLKEY",
    "PGSSLROOTCERT",
    "PGSSLCRL",
    "PGSSLCRLDIR",
    "PGSSLSNI",
    "PGSSLMINPROTOCOLVERSION",
    "PGSSLMAXPROTOCOLVERSION",
    "PGCHANNELBINDING",
    "PGGSSENCMODE",
    "PGHOSTADDR",
    "PGSERVICE",
    "PGSERVICEFILE",
];

/// The URL with TLS off, for `url` when it is a PostgreSQL URL whose every
/// host is a loopback address and which leaves TLS unsaid (`set` tells
/// whether an environment variable is set); `None` for any other URL.
pub(super) fn plain_variant(url: &str, set: impl Fn(&str) -> bool) -> Option<String> {
    leaves_tls_unsaid_over_loopback(url, &set)
        .then(|| format!("{url}{}sslmode=allow", separator(url)))
}

/// [`plain_variant`] with the process's environment.
pub(super) fn plain_variant_here(url: &str) -> Option<String> {
    plain_variant(url, |name| std::env::var_os(name).is_some())
}

/// What goes between `url` and one more query parameter.
fn separator(url: &str) -> &'static str {
    if url.ends_with(['?', '&']) {
        ""
    } else if url.contains('?') {
        "&"
    } else {
        "?"
    }
}

/// Whether the database at the other end of `conn` was reached at a
/// loopback address: it listens on this host, not behind a forwarder.
/// `None` when it cannot say (the query failed; a Unix socket's NULL).
pub(super) fn reached_on_loopback(conn: &mut diesel::PgConnection) -> Option<bool> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Reached {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        address: Option<String>,
    }
    let reached: Reached = diesel::sql_query("SELECT host(inet_server_addr()) AS address")
        .get_result(conn)
        .ok()?;
    is_loopback_address(&reached.address?)
}

/// Says in the log, once a process (a server checks that its database is
/// reachable before it opens the store), that TLS is off and why.
pub(super) fn announce() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        tracing::info!(
            "PostgreSQL listens on this host: connecting without TLS \
             (sslmode=allow; name sslmode in the URL to choose otherwise)"
        );
    });
}

/// Whether `address` (as `host()` writes an `inet`) is a loopback address;
/// `None` when it is not an address.
fn is_loopback_address(address: &str) -> Option<bool> {
    address
        .parse::<IpAddr>()
        .ok()
        .map(|a| a.is_loopback() || v4_mapped_loopback(a))
}

/// `::ffff:127.0.0.1`, an IPv4 loopback address as an IPv6 socket sees it.
fn v4_mapped_loopback(address: IpAddr) -> bool {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        IpAddr::V4(_) => false,
    }
}

/// Whether `url` is a `postgres://` URL whose every host is a loopback
/// address and that leaves TLS to libpq's default: no TLS parameter in
/// its query, none in the environment (`set`).
fn leaves_tls_unsaid_over_loopback(url: &str, set: &impl Fn(&str) -> bool) -> bool {
    let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    else {
        return false;
    };
    if rest.contains('#') || TLS_ENVIRONMENT.iter().any(|name| set(name)) {
        return false;
    }
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authority = before_query.split('/').next().unwrap_or("");
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let says_tls = query
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .any(|key| TLS_PARAMETERS.contains(&key));
    !says_tls && !hosts.is_empty() && hosts.split(',').all(is_loopback_host)
}

/// Whether one `host[:port]` of a URL names this machine over loopback:
/// `localhost`, an address in 127.0.0.0/8, or `[::1]`. (A Unix socket,
/// `%2F…`, is not TCP: TLS never applies there, and it is left alone.)
fn is_loopback_host(host_and_port: &str) -> bool {
    let host = match host_and_port.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((v6, port)) if port.is_empty() || port.starts_with(':') => {
                return v6.parse::<Ipv6Addr>().is_ok_and(|a| a.is_loopback());
            }
            _ => return false,
        },
        None => host_and_port.split(':').next().unwrap_or(""),
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|a| a.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_that_leave_tls_unsaid_have_a_plain_variant() {
        // (url, whether it has one: the url with sslmode=allow added)
        let cases = [
            ("postgres://postgres@127.0.0.1:5432/test", true),
            ("postgresql://u:p@localhost/db", true),
            ("postgres://u@LocalHost:5433/db", true),
            ("postgres://127.0.0.1/db", true),
            ("postgres://u@127.8.9.10/db", true),
            ("postgres://u@[::1]:5432/db", true),
            ("postgres://u@[::1]/db", true),
            ("postgres://u@127.0.0.1:5432,localhost:5433/db", true),
            (
                "postgres://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dx",
                true,
            ),
            ("postgres://u:p%40ss@127.0.0.1/db", true),
            ("postgres://u@127.0.0.1/db?", true),
            ("postgres://u@127.0.0.1/db?a=b&", true),
            // Another host, or one of several.
            ("postgres://u@db.internal/db", false),
            ("postgres://u@10.0.0.5:5432/db", false),
            ("postgres://u@127.0.0.1,db.internal/db", false),
            ("postgres://u@[2001:db8::1]:5432/db", false),
            ("postgres://u@[::1/db", false),
            ("postgres://u@127.0.0.1.example.com/db", false),
            ("postgres://u@localhost.example.com/db", false),
            // TLS said in the URL, or where to connect said apart.
            ("postgres://u@127.0.0.1/db?sslmode=require", false),
            ("postgres://u@127.0.0.1/db?sslmode=prefer", false),
            ("postgres://u@127.0.0.1/db?a=b&sslmode=disable", false),
            ("postgres://u@localhost/db?sslrootcert=/ca.pem", false),
            ("postgres://u@localhost/db?channel_binding=require", false),
            ("postgres://u@localhost/db?hostaddr=10.0.0.5", false),
            ("postgres://u@localhost/db?service=gh", false),
            ("postgres://u@localhost/db?host=/var/run/postgresql", false),
            // No TCP host: a Unix socket (libpq's default or named).
            ("postgres:///db", false),
            ("postgres://u@/db", false),
            ("postgres://%2Fvar%2Frun%2Fpostgresql/db", false),
            // Not PostgreSQL.
            ("sqlite://127.0.0.1.db", false),
            ("/var/lib/gatehouse.db", false),
            ("postgres://u@127.0.0.1/db#x", false),
        ];
        for (url, has) in cases {
            let expected = has.then(|| {
                let separator = match url.chars().last() {
                    Some('?' | '&') => "",
                    _ if url.contains('?') => "&",
                    _ => "?",
                };
                format!("{url}{separator}sslmode=allow")
            });
            assert_eq!(plain_variant(url, |_| false), expected, "{url}");
        }
    }

    #[test]
    fn libpqs_environment_keeps_its_say() {
        let url = "postgres://u@127.0.0.1/db";
        for name in TLS_ENVIRONMENT {
            assert_eq!(plain_variant(url, |n| n == *name), None, "{name}");
        }
        // Variables that have nothing to do with TLS change nothing.
        for name in ["PGUSER", "PGPASSWORD", "PGHOST", "PGDATABASE"] {
            assert!(plain_variant(url, |n| n == name).is_some(), "{name}");
        }
    }

    #[test]
    fn the_address_the_database_was_reached_at() {
        let cases = [
            ("127.0.0.1", Some(true)),
            ("127.1.2.3", Some(true)),
            ("::1", Some(true)),
            ("::ffff:127.0.0.1", Some(true)),
            ("10.0.0.5", Some(false)),
            ("192.168.1.20", Some(false)),
            ("::ffff:10.0.0.5", Some(false)),
            ("2001:db8::1", Some(false)),
            ("", None),
            ("127.0.0.1/32", None),
        ];
        for (address, loopback) in cases {
            assert_eq!(is_loopback_address(address), loopback, "{address}");
        }
    }
}
