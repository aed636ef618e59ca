//! Prometheus metrics, served as text on a separate HTTP port (`--metrics-addr`).
//!
//! What is counted: requests by method and status, request latency by method (histogram), notes coded,
//! suggestions by code system, gaps by kind, feedback decisions by decision. Labels are only ever these fixed
//! vocabularies (method names, status codes, code systems, gap kinds, decisions): never a note id, a code, a
//! caller or any text, so no PHI and no unbounded label sets.
//!
//! The exposition endpoint is a minimal HTTP/1.1 responder (GET /metrics, connection closed after the answer):
//! a scrape every few seconds needs nothing more, and it keeps an HTTP framework out of the binary.
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Latency buckets, seconds.
const BUCKETS: &[f64] = &[0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

#[derive(Debug, Default)]
struct Inner {
    /// (metric name, rendered labels) -> value.
    counters: BTreeMap<(&'static str, String), u64>,
    latency: BTreeMap<String, Histogram>,
}

/// The service's metrics; cheap to update from any thread.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

/// HELP lines of the counters.
const HELP: &[(&str, &str)] = &[
    ("cac_requests_total", "gRPC requests by method and status"),
    ("cac_notes_coded_total", "notes coded"),
    ("cac_suggestions_total", "codes suggested, by code system"),
    ("cac_gaps_total", "documentation gaps reported, by kind"),
    ("cac_feedback_decisions_total", "reviewer decisions stored, by decision"),
];

impl Metrics {
    fn add(&self, name: &'static str, labels: String, n: u64) {
        if let Ok(mut m) = self.inner.lock() {
            *m.counters.entry((name, labels)).or_default() += n;
        }
    }

    /// One finished request.
    pub fn request(&self, method: &'static str, status: &'static str, elapsed: Duration) {
        self.add("cac_requests_total", format!("method=\"{method}\",status=\"{status}\""), 1);
        if let Ok(mut m) = self.inner.lock() {
            let h = m
                .latency
                .entry(method.to_string())
                .or_insert_with(|| Histogram { counts: vec![0; BUCKETS.len()], ..Default::default() });
            let s = elapsed.as_secs_f64();
            for (k, b) in BUCKETS.iter().enumerate() {
                if s <= *b {
                    h.counts[k] += 1;
                }
            }
            h.sum += s;
            h.count += 1;
        }
    }

    /// One note coded, with its suggestions' systems and its gaps' kinds.
    pub fn coded<'a>(&self, systems: impl Iterator<Item = &'a str>, gap_kinds: impl Iterator<Item = &'a str>) {
        self.add("cac_notes_coded_total", String::new(), 1);
        for s in systems {
            let system = match s {
                "ICD-10-CM" | "CPT" | "HCPCS" => s,
                _ => "other",
            };
            self.add("cac_suggestions_total", format!("system=\"{system}\""), 1);
        }
        for k in gap_kinds {
            let kind = match k {
                "specificity" | "clinical_indicator" | "conflict" | "missing_link" => k,
                _ => "other",
            };
            self.add("cac_gaps_total", format!("kind=\"{kind}\""), 1);
        }
    }

    /// One decision stored.
    pub fn decision(&self, decision: &'static str) {
        self.add("cac_feedback_decisions_total", format!("decision=\"{decision}\""), 1);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(m) = self.inner.lock() else { return out };
        for (name, help) in HELP {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for ((n, labels), v) in m.counters.iter().filter(|((n, _), _)| n == name) {
                if labels.is_empty() {
                    let _ = writeln!(out, "{n} {v}");
                } else {
                    let _ = writeln!(out, "{n}{{{labels}}} {v}");
                }
            }
        }
        let name = "cac_request_duration_seconds";
        let _ = writeln!(out, "# HELP {name} gRPC request latency by method\n# TYPE {name} histogram");
        for (method, h) in &m.latency {
            for (b, c) in BUCKETS.iter().zip(&h.counts) {
                let _ = writeln!(out, "{name}_bucket{{method=\"{method}\",le=\"{b}\"}} {c}");
            }
            let _ = writeln!(out, "{name}_bucket{{method=\"{method}\",le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "{name}_sum{{method=\"{method}\"}} {}", h.sum);
            let _ = writeln!(out, "{name}_count{{method=\"{method}\"}} {}", h.count);
        }
        out
    }
}

/// Serves `GET /metrics` on `listener` until the task is dropped.
pub async fn serve_metrics(metrics: std::sync::Arc<Metrics>, listener: TcpListener) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else { continue };
        let metrics = std::sync::Arc::clone(&metrics);
        tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            let read = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await;
            let Ok(Ok(n)) = read else { return };
            let request = String::from_utf8_lossy(&buf[..n]);
            let (status, body) = if request.starts_with("GET /metrics") {
                ("200 OK", metrics.render())
            } else {
                ("404 Not Found", "not found: the metrics are at /metrics\n".to_string())
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(response.as_bytes()).await;
            let _ = socket.shutdown().await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histograms_render() {
        let m = Metrics::default();
        m.request("CodeNote", "OK", Duration::from_millis(3));
        m.coded(["ICD-10-CM", "ICD-10-CM", "CPT"].into_iter(), ["specificity"].into_iter());
        m.decision("accepted");
        let text = m.render();
        assert!(text.contains("cac_requests_total{method=\"CodeNote\",status=\"OK\"} 1"), "{text}");
        assert!(text.contains("cac_suggestions_total{system=\"ICD-10-CM\"} 2"), "{text}");
        assert!(text.contains("cac_request_duration_seconds_bucket{method=\"CodeNote\",le=\"0.005\"} 1"), "{text}");
        assert!(text.contains("cac_request_duration_seconds_bucket{method=\"CodeNote\",le=\"0.002\"} 0"), "{text}");
        assert!(text.contains("cac_feedback_decisions_total{decision=\"accepted\"} 1"), "{text}");
        assert!(text.contains("cac_notes_coded_total 1"), "{text}");
    }
}
