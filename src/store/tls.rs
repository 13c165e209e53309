//! The connection to a team's server: TLS (rustls, pure Rust, no system
//! OpenSSL to match) unless the URL says `sslmode=disable`. The server's
//! certificate is checked against the system's roots, plus the file named
//! by `PGSSLROOTCERT` for a team's own authority.
//!
//! The roots are loaded only once the server has agreed to TLS: with
//! `sslmode=prefer` (a server on this machine) and a server without TLS, a
//! command does not pay for reading ~140 certificates (~6 ms each time).

use postgres::tls::{MakeTlsConnect, TlsConnect};
use postgres::Socket;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

pub fn connect(config: &postgres::Config) -> Result<postgres::Client, postgres::Error> {
    if config.get_ssl_mode() == postgres::config::SslMode::Disable {
        return config.connect(postgres::NoTls);
    }
    config.connect(WhenAgreed)
}

/// Makes a `Handshake` per host; nothing is loaded yet.
struct WhenAgreed;

/// A TLS handshake to come, if the server agrees to one.
struct Handshake {
    host: String,
}

type Rustls = <MakeRustlsConnect as MakeTlsConnect<Socket>>::TlsConnect;

impl MakeTlsConnect<Socket> for WhenAgreed {
    type Stream = <MakeRustlsConnect as MakeTlsConnect<Socket>>::Stream;
    type TlsConnect = Handshake;
    type Error = std::convert::Infallible;

    fn make_tls_connect(&mut self, host: &str) -> Result<Handshake, Self::Error> {
        Ok(Handshake { host: host.to_string() })
    }
}

impl TlsConnect<Socket> for Handshake {
    type Stream = <Rustls as TlsConnect<Socket>>::Stream;
    type Error = <Rustls as TlsConnect<Socket>>::Error;
    type Future = <Rustls as TlsConnect<Socket>>::Future;

    fn connect(self, stream: Socket) -> Self::Future {
        let mut make = MakeRustlsConnect::new(client_config());
        let Ok(tls) = <MakeRustlsConnect as MakeTlsConnect<Socket>>::make_tls_connect(&mut make, &self.host);
        tls.connect(stream)
    }
}

fn client_config() -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(file) = std::env::var_os("PGSSLROOTCERT") {
        if let Ok(pem) = std::fs::read(&file) {
            use rustls::pki_types::pem::PemObject as _;
            let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&pem).filter_map(Result::ok);
            roots.add_parsable_certificates(certs);
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions().map_or_else(
        |_| rustls::ClientConfig::builder().with_root_certificates(roots.clone()).with_no_client_auth(),
        |b| b.with_root_certificates(roots.clone()).with_no_client_auth(),
    )
}
