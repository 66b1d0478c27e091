//! What the tests read from the environment. `scripts/test` exports these names; each has the default
//! of this machine's services.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

/// The PostgreSQL maintenance database the tests create their own databases from.
pub const PG_URL_VAR: &str = "VINBOT_TEST_PG_URL";
/// The shared Redis the tests use (each under its own key prefix).
pub const REDIS_URL_VAR: &str = "VINBOT_TEST_REDIS_URL";

const PG_URL_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL_DEFAULT: &str = "redis://127.0.0.1:6379";

/// [`PG_URL_VAR`], or the local server's `postgres` database. It must name a database the user can
/// connect to.
pub fn pg_admin_url() -> String {
    std::env::var(PG_URL_VAR).unwrap_or_else(|_| PG_URL_DEFAULT.to_owned())
}

/// `postgres://.../<name>` on the server of [`pg_admin_url`].
pub fn pg_url_for(name: &str) -> String {
    let admin = pg_admin_url();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// [`REDIS_URL_VAR`], or the local Redis.
pub fn redis_url() -> String {
    std::env::var(REDIS_URL_VAR).unwrap_or_else(|_| REDIS_URL_DEFAULT.to_owned())
}

/// The `host:port` of [`redis_url`] (for the TCP proxies of the fault tests).
pub fn redis_addr() -> SocketAddr {
    let url = redis_url();
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    let host_port = rest.rsplit_once('@').map_or(rest, |(_, hp)| hp);
    let host_port = host_port.split('/').next().unwrap_or(host_port);
    use std::net::ToSocketAddrs;
    host_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .unwrap_or_else(|| panic!("{REDIS_URL_VAR}={url}: no host:port"))
}

/// Fails the test clearly when the shared Redis is not there.
pub fn require_redis() {
    let addr = redis_addr();
    if std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err() {
        panic!(
            "these tests need Redis on {addr} ({REDIS_URL_VAR}; start it, e.g. `redis-server --daemonize yes`)"
        );
    }
}

/// The data directory the tests read, found as `vinbot` finds it (`VINBOT_DATA_DIR`, else under `HOME`).
pub fn data_dir() -> PathBuf {
    vinbot_server::config::data_dir_from(|k| std::env::var(k).ok())
        .expect("cannot derive the data directory (set VINBOT_DATA_DIR or HOME)")
}

/// [`data_dir`], after checking it holds the snapshot.
pub fn snapshot_dir() -> PathBuf {
    let dir = data_dir();
    assert!(
        dir.join("vpic.snapshot").is_file(),
        "the tests need the vPIC snapshot in {}: run scripts/fetch-vpic-data and `vinbot data build`",
        dir.display()
    );
    dir
}
