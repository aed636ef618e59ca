//! `cac loadtest`: drives a live server with CodeNote calls at fixed concurrency levels and reports throughput
//! and latency percentiles, the figures an integration team asks for.
//!
//! Each level runs `concurrency` clients for `duration`, each sending the notes of the input file in turn (each
//! client starts at a different note) and waiting for the answer before the next call: a closed loop, so the
//! offered load follows what the server can take. Latency is measured from the call to the decoded response.
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::grpc::pb;
use crate::grpc::pb::coding_client::CodingClient;

/// What one concurrency level measured.
#[derive(Debug, Serialize)]
pub struct Level {
    pub concurrency: usize,
    pub requests: usize,
    pub errors: usize,
    pub notes_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Reads `{"id", "text", "setting"}` lines (the `cac batch` input).
fn read_notes(path: &Path) -> Result<Vec<pb::CodeNoteRequest>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut notes = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}:{}: not JSON", path.display(), i + 1))?;
        let Some(t) = v.get("text").and_then(|t| t.as_str()) else {
            bail!("{}:{}: no \"text\"", path.display(), i + 1);
        };
        let setting = match v.get("setting").and_then(|s| s.as_str()) {
            Some("inpatient") => pb::Setting::Inpatient,
            Some("emergency") => pb::Setting::Emergency,
            _ => pb::Setting::Outpatient,
        };
        notes.push(pb::CodeNoteRequest {
            note_id: v.get("id").map(|i| i.to_string().trim_matches('"').to_string()).unwrap_or_default(),
            text: t.to_string(),
            setting: setting as i32,
            ..Default::default()
        });
    }
    if notes.is_empty() {
        bail!("{}: no notes", path.display());
    }
    Ok(notes)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let k = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[k.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// Runs every level against `addr`.
pub async fn run(
    addr: &str,
    notes_file: &Path,
    levels: &[usize],
    duration: Duration,
    token: Option<String>,
) -> Result<Vec<Level>> {
    let notes = Arc::new(read_notes(notes_file)?);
    let endpoint = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))?;
    let mut out = Vec::new();
    for &concurrency in levels {
        // One connection per client, as independent callers would have.
        let mut tasks = Vec::new();
        let deadline = Instant::now() + duration;
        for c in 0..concurrency {
            let channel = endpoint.connect().await.with_context(|| format!("cannot connect to {addr}"))?;
            let notes = Arc::clone(&notes);
            let token = token.clone();
            tasks.push(tokio::spawn(async move {
                let mut client = CodingClient::new(channel).max_decoding_message_size(64 << 20);
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                let mut k = c;
                while Instant::now() < deadline {
                    let mut request = tonic::Request::new(notes[k % notes.len()].clone());
                    if let Some(t) = &token
                        && let Ok(v) = format!("Bearer {t}").parse()
                    {
                        request.metadata_mut().insert("authorization", v);
                    }
                    let started = Instant::now();
                    match client.code_note(request).await {
                        Ok(_) => latencies.push(started.elapsed()),
                        Err(_) => errors += 1,
                    }
                    k += 1;
                }
                (latencies, errors)
            }));
        }
        let started = Instant::now();
        let mut latencies = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (l, e) = t.await?;
            latencies.extend(l);
            errors += e;
        }
        let elapsed = started.elapsed().as_secs_f64();
        latencies.sort_unstable();
        out.push(Level {
            concurrency,
            requests: latencies.len() + errors,
            errors,
            notes_per_second: latencies.len() as f64 / elapsed,
            p50_ms: percentile(&latencies, 50.0),
            p99_ms: percentile(&latencies, 99.0),
            max_ms: latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        });
    }
    Ok(out)
}
