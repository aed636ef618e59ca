//! The contract from another language: `examples/python_client.py` (grpcio stubs generated from proto/) against a
//! live `cac serve`: health, CodeNote, SubmitFeedback, GetFeedbackStats and an error status.
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::project_root;

#[test]
fn the_python_client_codes_a_note_and_sends_feedback() {
    let root = project_root();
    let deps = root.join(".deps/pyclient");
    assert!(
        deps.join("grpc").is_dir(),
        "the Python client's packages are not in {} (run `make setup`)",
        deps.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let db = std::env::temp_dir().join(format!("cac-it-python-{}", std::process::id())).join("feedback.sqlite3");
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
    let mut server = Command::new(env!("CARGO_BIN_EXE_cac"))
        .args(["serve", "--rule-scorer", "--addr", &addr, "--feedback-db"])
        .arg(&db)
        .arg("--data-dir")
        .arg(root.join("data"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cac serve starts");
    let started = Instant::now();
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "server did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = Command::new("python3")
        .arg(root.join("examples/python_client.py"))
        .args(["--addr", &addr])
        .env("PYTHONPATH", &deps)
        .output()
        .expect("python3 runs");
    let _ = server.kill();
    let _ = server.wait();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "python client failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("all checks passed"), "{stdout}");
}
