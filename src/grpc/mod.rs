//! The gRPC service `cac.v1.Coding`, with `grpc.health.v1.Health` and server reflection (v1) beside it so that
//! standard tools (grpcurl, grpc_health_probe) and generated clients in any language can find and call it.
//!
//! Handlers are thin ([`service`]): validate, convert ([`convert`]), run the engine on one of a fixed set of
//! worker threads ([`workers`]: coding is CPU work and must not stall the async runtime), convert back. Engine errors become gRPC statuses in one
//! place ([`status`]).
pub mod auth;
pub mod convert;
pub mod metrics;
pub mod service;
pub mod status;
pub mod workers;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Server;

use crate::engine::Engine;
pub use service::{DEFAULT_MAX_CONCURRENT, ServiceOptions, TlsFiles};

/// Generated protobuf types and service stubs of `cac.v1`.
pub mod pb {
    tonic::include_proto!("cac.v1");

    /// Encoded descriptors of `cac.v1`, served by reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("cac_v1_descriptor");
}

/// HTTP/2 flow-control window per stream (1 MiB: a note at the default size limit fits) and per connection.
const STREAM_WINDOW: u32 = 1 << 20;
const CONNECTION_WINDOW: u32 = 4 << 20;

/// Errors that stop the server (not per-request errors).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("transport: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("cannot start the engine's worker threads: {0}")]
    Workers(#[from] std::io::Error),
}

/// Serves the Coding, Health and Reflection services on `listener` until `shutdown` completes; in-flight
/// requests finish before this returns. Without a feedback store the feedback calls are refused.
pub async fn serve(
    engine: Arc<Engine>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    serve_with(engine, ServiceOptions::default(), listener, shutdown).await
}

/// [`serve`], with a feedback store and limits.
pub async fn serve_with(
    engine: Arc<Engine>,
    options: ServiceOptions,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let (health, health_service) = tonic_health::server::health_reporter();
    let tls = options.tls.clone();
    let coding = service::coding_server(engine, options)?;
    health.set_serving::<pb::coding_server::CodingServer<service::CodingService>>().await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    // Small responses must leave at once: without TCP_NODELAY, Nagle's algorithm and the client's delayed ACK
    // hold each answer for about 40 ms.
    let incoming = TcpListenerStream::new(listener).map(|conn| {
        if let Ok(c) = &conn {
            let _ = c.set_nodelay(true);
        }
        conn
    });
    // HTTP/2 windows bound what one stream or connection may have in flight: a CodeNotes client that reads slowly
    // fills them and is then held back, rather than the server buffering its notes.
    let mut server = Server::builder();
    if let Some(t) = tls {
        let mut config = tonic::transport::ServerTlsConfig::new()
            .identity(tonic::transport::Identity::from_pem(&t.cert_pem, &t.key_pem));
        if let Some(ca) = &t.client_ca_pem {
            config = config.client_ca_root(tonic::transport::Certificate::from_pem(ca));
        }
        server = server.tls_config(config).map_err(|e| ServeError::Tls(e.to_string()))?;
    }
    server
        .initial_stream_window_size(STREAM_WINDOW)
        .initial_connection_window_size(CONNECTION_WINDOW)
        .add_service(health_service)
        .add_service(reflection)
        .add_service(coding)
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await?;
    Ok(())
}
