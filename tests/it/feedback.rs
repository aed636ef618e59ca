//! Reviewer feedback: SubmitFeedback and GetFeedbackStats over gRPC, and durability: a server killed with
//! SIGKILL in the middle of a stream of writes keeps every decision it acknowledged, none half-written.
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cac::grpc::pb;
use cac::grpc::pb::coding_client::CodingClient;
use cac::store::FeedbackStore;
use tonic::Code;
use tonic::transport::Channel;

use crate::common::{CacServer, serve_in_process};

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cac-it-feedback-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("feedback.sqlite3")
}

fn decision(n: usize, decision: &str) -> pb::SubmitFeedbackRequest {
    pb::SubmitFeedbackRequest {
        note_id: format!("note-{n}"),
        note_text: format!("Assessment: heart failure. MARKER-{n}"),
        note_sha256: String::new(),
        code: "I50.9".into(),
        system: "ICD-10-CM".into(),
        score: 0.81,
        model_version: "scorer-test".into(),
        codeset: "ICD-10-CM 2026-04".into(),
        evidence: vec![pb::Span { begin: 12, end: 25 }],
        decision: decision.into(),
        reason: if decision == "rejected" { "not documented".into() } else { String::new() },
        new_code: if decision == "modified" { "I50.23".into() } else { String::new() },
        reviewer_id: "coder-7".into(),
        decided_at_ms: 0,
    }
}

#[tokio::test]
async fn decisions_round_trip_and_bad_ones_are_refused() {
    let path = temp_db("round-trip");
    let store = Arc::new(FeedbackStore::open(&path, false).unwrap());
    let server = serve_in_process(cac::grpc::ServiceOptions { store: Some(store), ..Default::default() }).await;
    let mut client = server.client().await;
    for (n, d) in ["accepted", "accepted", "rejected", "modified", "added"].iter().enumerate() {
        let id = client.submit_feedback(decision(n, d)).await.unwrap().into_inner().feedback_id;
        assert!(id > 0);
    }
    let stats = client.get_feedback_stats(pb::GetFeedbackStatsRequest {}).await.unwrap().into_inner();
    let overall = stats.overall.unwrap();
    assert_eq!((overall.accepted, overall.rejected, overall.modified, overall.added), (2, 1, 1, 1));
    assert!((overall.acceptance_rate - 0.5).abs() < 1e-9);
    assert_eq!(stats.per_code[0].code, "I50.9");
    assert_eq!(stats.per_model[0].model_version, "scorer-test");

    let mut bad = decision(9, "rejected");
    bad.reason.clear();
    let status = client.submit_feedback(bad).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(!status.message().contains("MARKER"), "{status:?}");
    let mut bad = decision(9, "maybe");
    bad.note_text = "MARKER-secret".into();
    let status = client.submit_feedback(bad).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(!status.message().contains("MARKER"), "{status:?}");
    server.shutdown().await;

    // The note text is not in the database, only its hash.
    let bytes = std::fs::read(&path).unwrap();
    let wal = std::fs::read(path.with_extension("sqlite3-wal")).unwrap_or_default();
    for b in [&bytes, &wal] {
        assert!(!b.windows(7).any(|w| w == b"MARKER-"), "note text found in the database files");
    }
}

#[tokio::test]
async fn without_a_store_feedback_is_refused_clearly() {
    let server = serve_in_process(Default::default()).await;
    let mut client = server.client().await;
    let status = client.submit_feedback(decision(1, "accepted")).await.unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_decision() {
    let path = temp_db("sigkill");
    let mut server = CacServer::start(|cmd| {
        cmd.args(["--rule-scorer", "--feedback-db"]).arg(&path);
    });
    let channel = Channel::from_shared(format!("http://{}", server.addr)).unwrap().connect().await.unwrap();
    // Four writers submit decisions; the server is killed once 200 are acknowledged, mid-stream.
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<(i64, String)>();
    let mut writers = Vec::new();
    for w in 0..4 {
        let mut client = CodingClient::new(channel.clone());
        let acked = acked_tx.clone();
        writers.push(tokio::spawn(async move {
            for n in 0..100_000 {
                let request = decision(w * 1_000_000 + n, "accepted");
                let note_id = request.note_id.clone();
                match client.submit_feedback(request).await {
                    Ok(r) => {
                        let _ = acked.send((r.into_inner().feedback_id, note_id));
                    }
                    Err(_) => return,
                }
            }
        }));
    }
    drop(acked_tx);
    let mut acked = Vec::new();
    while let Some(a) = acked_rx.recv().await {
        acked.push(a);
        if acked.len() == 200 {
            // SIGKILL: no shutdown, no flush.
            server.child.kill().expect("kill");
            let _ = server.child.wait();
        }
    }
    for w in writers {
        let _ = w.await;
    }
    assert!(acked.len() >= 200, "only {} decisions acknowledged", acked.len());
    let store = FeedbackStore::open(&path, false).expect("the store reopens after SIGKILL");
    assert_eq!(store.integrity_check().unwrap(), "ok");
    for (id, note_id) in &acked {
        let row = store.get(*id).unwrap();
        assert_eq!(row, Some((note_id.clone(), "I50.9".to_string(), "accepted".to_string())), "decision {id}");
    }
    assert!(store.count().unwrap() >= acked.len() as u64);
}

/// `cac feedback export` writes the decisions as training labels; `cac feedback stats` prints acceptance.
#[test]
fn the_cli_exports_labels_and_stats() {
    let path = temp_db("export");
    let store = FeedbackStore::open(&path, false).unwrap();
    let feedback =
        |decision: cac::store::Decision, reason: Option<&str>, new_code: Option<&str>| cac::store::Feedback {
            note_id: "n1".into(),
            note: cac::store::NoteRef::Text("Assessment: heart failure.".into()),
            code: "I50.9".into(),
            system: "ICD-10-CM".into(),
            score: Some(0.7),
            model_version: "scorer-test".into(),
            codeset: "ICD-10-CM 2026-04".into(),
            evidence: vec![(12, 25)],
            decision,
            reason: reason.map(str::to_string),
            new_code: new_code.map(str::to_string),
            reviewer_id: "coder-1".into(),
            decided_at_ms: None,
        };
    store.submit(&feedback(cac::store::Decision::Accepted, None, None)).unwrap();
    store.submit(&feedback(cac::store::Decision::Modified, None, Some("I50.23"))).unwrap();
    drop(store);
    let out = Command::new(env!("CARGO_BIN_EXE_cac"))
        .args(["feedback", "export", "--feedback-db"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let labels: Vec<(&str, i64)> =
        lines.iter().map(|l| (l["code"].as_str().unwrap(), l["label"].as_i64().unwrap())).collect();
    assert_eq!(labels, vec![("I50.9", 1), ("I50.9", 0), ("I50.23", 1)]);
    assert!(lines.iter().all(|l| l["note_id"] == "n1"));
    let out = Command::new(env!("CARGO_BIN_EXE_cac"))
        .args(["feedback", "stats", "--json", "--feedback-db"])
        .arg(&path)
        .output()
        .unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["overall"]["accepted"], 1);
    assert_eq!(stats["overall"]["modified"], 1);
}

/// At the most verbose log level, a marker written in notes (coded, refused and sent as feedback) appears nowhere
/// in the server's logs, while each request leaves one audit line with its note id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn note_text_never_reaches_the_logs() {
    const MARKER: &str = "ZEBRA-QUOKKA-7731";
    let dir = temp_db("logs");
    let log = dir.with_file_name("server.log");
    let metrics_addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    let mut server = CacServer::start(|cmd| {
        cmd.args(["--rule-scorer", "--log-level", "trace", "--metrics-addr", &metrics_addr, "--feedback-db"])
            .arg(&dir)
            .env("RUST_LOG", "trace")
            .stderr(std::fs::File::create(&log).unwrap());
    });
    let channel = Channel::from_shared(format!("http://{}", server.addr)).unwrap().connect().await.unwrap();
    let mut client = CodingClient::new(channel);
    let text = format!("Assessment: {MARKER} has acute systolic heart failure. Na 128. Denies {MARKER} pain.");
    let coded = client
        .code_note(pb::CodeNoteRequest { note_id: "audit-1".into(), text: text.clone(), ..Default::default() })
        .await
        .unwrap()
        .into_inner();
    assert!(!coded.codes.is_empty());
    // Refused requests: whitespace only, and an oversized note.
    let status = client
        .code_note(pb::CodeNoteRequest {
            note_id: "audit-2".into(),
            text: format!("   {}", " ".repeat(10)),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = client
        .code_note(pb::CodeNoteRequest {
            note_id: "audit-3".into(),
            text: format!("{MARKER} ").repeat(70_000),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(!status.message().contains(MARKER));
    let mut feedback = decision(1, "rejected");
    feedback.note_text = text.clone();
    feedback.reason = format!("not {MARKER}");
    client.submit_feedback(feedback).await.unwrap();
    // Metrics: counts by method, status, system and decision; no note content.
    let metrics = {
        use std::io::{Read, Write};
        let mut socket = std::net::TcpStream::connect(&metrics_addr).unwrap();
        socket.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut body = String::new();
        socket.read_to_string(&mut body).unwrap();
        body
    };
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    for line in [
        "cac_requests_total{method=\"CodeNote\",status=\"OK\"} 1",
        "cac_requests_total{method=\"CodeNote\",status=\"INVALID_ARGUMENT\"} 2",
        "cac_requests_total{method=\"SubmitFeedback\",status=\"OK\"} 1",
        "cac_feedback_decisions_total{decision=\"rejected\"} 1",
        "cac_notes_coded_total 1",
        "cac_request_duration_seconds_count{method=\"CodeNote\"} 3",
    ] {
        assert!(metrics.contains(line), "{line} not in:\n{metrics}");
    }
    assert!(metrics.contains("cac_suggestions_total{system=\"ICD-10-CM\"}"), "{metrics}");
    assert!(!metrics.contains(MARKER) && !metrics.contains("audit-1"));
    // SIGTERM: a graceful stop, so every log line is written.
    let _ = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status();
    let waited = Instant::now();
    while server.child.try_wait().unwrap().is_none() && waited.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let logs = std::fs::read_to_string(&log).unwrap();
    assert!(logs.lines().count() > 10, "trace logging produced too little to be a test:\n{logs}");
    assert!(
        !logs.contains(MARKER),
        "the marker reached the logs:\n{}",
        logs.lines().filter(|l| l.contains(MARKER)).take(5).collect::<Vec<_>>().join("\n")
    );
    let audit: Vec<&str> = logs.lines().filter(|l| l.contains("cac::audit") || l.contains("method=")).collect();
    assert!(
        audit.iter().any(|l| l.contains("audit-1") && l.contains("status=\"OK\"")
            || l.contains("audit-1") && l.contains("status=OK")),
        "{audit:?}"
    );
    assert!(audit.iter().any(|l| l.contains("audit-2") && l.contains("INVALID_ARGUMENT")), "{audit:?}");
}

/// Settings come from flags, then environment variables, then the `--config` file; a bad file stops start-up
/// with the file and key named.
#[test]
fn config_file_below_environment_below_flags() {
    let dir = temp_db("config");
    let base = dir.parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&base).unwrap();
    let (a, b, c) = (base.join("a.sqlite3"), base.join("b.sqlite3"), base.join("c.sqlite3"));
    for (path, n) in [(&a, 1), (&b, 2), (&c, 3)] {
        let store = FeedbackStore::open(path, false).unwrap();
        for k in 0..n {
            let mut f = cac::store::Feedback {
                note_id: format!("n{k}"),
                note: cac::store::NoteRef::Text("Heart failure.".into()),
                code: "I50.9".into(),
                system: "ICD-10-CM".into(),
                score: None,
                model_version: "m".into(),
                codeset: "c".into(),
                evidence: vec![],
                decision: cac::store::Decision::Accepted,
                reason: None,
                new_code: None,
                reviewer_id: "r".into(),
                decided_at_ms: None,
            };
            f.note_id = format!("n{k}");
            store.submit(&f).unwrap();
        }
    }
    let config = base.join("cac.toml");
    std::fs::write(&config, format!("feedback_db = {:?}\n", a.display().to_string())).unwrap();
    let accepted = |env: Option<&std::path::Path>, flag: Option<&std::path::Path>| -> i64 {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cac"));
        cmd.args(["feedback", "stats", "--json", "--config"]).arg(&config).env_remove("CAC_FEEDBACK_DB");
        if let Some(e) = env {
            cmd.env("CAC_FEEDBACK_DB", e);
        }
        if let Some(f) = flag {
            cmd.arg("--feedback-db").arg(f);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        stats["overall"]["accepted"].as_i64().unwrap()
    };
    assert_eq!(accepted(None, None), 1, "the file's value");
    assert_eq!(accepted(Some(&b), None), 2, "the environment over the file");
    assert_eq!(accepted(Some(&b), Some(&c)), 3, "the flag over both");
    for (text, named) in
        [("feedbak_db = \"x\"\n", "feedbak_db"), ("[serve]\nmax_concurrent = 0\n", "serve.max_concurrent")]
    {
        std::fs::write(&config, text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_cac"))
            .args(["feedback", "stats", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(125), "{err}");
        assert!(err.contains("cac.toml") && err.contains(named), "{err}");
    }
}
