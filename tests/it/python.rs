//! The contract from another language: `examples/python_client.py` (grpcio stubs generated from proto/) against a
//! live `cac serve`: health, CodeNote, SubmitFeedback, GetFeedbackStats and an error status.
use std::process::Command;

use crate::common::{CacServer, project_root};

#[test]
fn the_python_client_codes_a_note_and_sends_feedback() {
    let root = project_root();
    let deps = root.join(".deps/pyclient");
    assert!(
        deps.join("grpc").is_dir(),
        "the Python client's packages are not in {} (run `make setup`)",
        deps.display()
    );
    let db = std::env::temp_dir().join(format!("cac-it-python-{}", std::process::id())).join("feedback.sqlite3");
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
    let server = CacServer::start(|cmd| {
        cmd.args(["--rule-scorer", "--feedback-db"]).arg(&db);
    });
    let addr = server.addr.to_string();
    let out = Command::new("python3")
        .arg(root.join("examples/python_client.py"))
        .args(["--addr", &addr])
        .env("PYTHONPATH", &deps)
        .output()
        .expect("python3 runs");
    drop(server);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "python client failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("all checks passed"), "{stdout}");
}
