//! Shared fixtures: the code set and engine are built once per test binary.
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use cac::{CodeSet, Engine};

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn codeset() -> Arc<CodeSet> {
    static CODES: OnceLock<Arc<CodeSet>> = OnceLock::new();
    Arc::clone(CODES.get_or_init(|| {
        cac::cli::data::load_codeset(&project_root().join("data"))
            .expect("the ICD-10-CM code set is under data/ (run `make setup`)")
    }))
}

pub fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    Arc::clone(ENGINE.get_or_init(|| {
        let lists = cac::cli::data::load_severity(&project_root().join("data"))
            .expect("MS-DRG lists readable")
            .expect("the MS-DRG CC/MCC lists are under data/msdrg (run `make setup`)");
        Arc::new(Engine::builder(codeset()).severity(lists).build().expect("engine builds"))
    }))
}

/// The characters `begin..end` of `text`, the way the contract counts them.
pub fn chars(text: &str, begin: usize, end: usize) -> String {
    text.chars().skip(begin).take(end - begin).collect()
}

/// A gRPC server on 127.0.0.1:0 in this process, with the shared engine; `shutdown` stops it gracefully.
pub struct InProcess {
    pub addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

pub async fn serve_in_process(options: cac::grpc::ServiceOptions) -> InProcess {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        cac::grpc::serve_with(engine(), options, listener, async {
            let _ = stopped.await;
        })
        .await
        .expect("server runs");
    });
    InProcess { addr, stop: Some(stop), task }
}

impl InProcess {
    pub async fn channel(&self) -> tonic::transport::Channel {
        tonic::transport::Channel::from_shared(format!("http://{}", self.addr)).unwrap().connect().await.unwrap()
    }

    pub async fn client(&self) -> cac::grpc::pb::coding_client::CodingClient<tonic::transport::Channel> {
        cac::grpc::pb::coding_client::CodingClient::new(self.channel().await)
    }

    pub async fn shutdown(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap();
    }
}

/// A `cac serve` process on a free loopback port, killed when dropped (so a failing test leaves no server).
pub struct CacServer {
    pub child: std::process::Child,
    pub addr: std::net::SocketAddr,
}

impl CacServer {
    /// Starts `cac serve --addr <free port> --data-dir <project data>`, with `configure` adding arguments or
    /// redirecting output (stdout and stderr are discarded unless it does), and waits until it listens.
    pub fn start(configure: impl FnOnce(&mut std::process::Command)) -> CacServer {
        use std::time::{Duration, Instant};
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cac"));
        cmd.args(["serve", "--addr", &addr.to_string(), "--data-dir"])
            .arg(project_root().join("data"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        configure(&mut cmd);
        let server = CacServer { child: cmd.spawn().expect("cac serve starts"), addr };
        let started = Instant::now();
        while std::net::TcpStream::connect(addr).is_err() {
            assert!(started.elapsed() < Duration::from_secs(60), "cac serve did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for CacServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
