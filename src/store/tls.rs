//! The connection to a team's server: TLS (rustls, pure Rust, no system
//! OpenSSL to match) unless the URL says `sslmode=disable`. The server's
//! certificate is checked against the system's roots, plus the file named
//! by `PGSSLROOTCERT` for a team's own authority.

use std::sync::Arc;

pub fn connect(config: &postgres::Config) -> Result<postgres::Client, postgres::Error> {
    if config.get_ssl_mode() == postgres::config::SslMode::Disable {
        return config.connect(postgres::NoTls);
    }
    config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(client_config()))
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
