//! The `cac.v1.Coding` handlers.
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};

use super::auth::{Permission, Tokens};
use super::convert;
use super::metrics::Metrics;
use super::pb::coding_server::{Coding, CodingServer};
use super::pb::{
    CodeNoteRequest, CodeNoteResponse, GetFeedbackStatsRequest, GetFeedbackStatsResponse, LookupCodeRequest,
    LookupCodeResponse, SearchCodesRequest, SearchCodesResponse, SubmitFeedbackRequest, SubmitFeedbackResponse,
};
use super::workers::Workers;
use crate::engine::Engine;
use crate::store::FeedbackStore;
use crate::suggestion::CodedNote;

/// Results per search when the request does not say.
const DEFAULT_SEARCH_LIMIT: usize = 10;
/// Upper bound on results per search.
const MAX_SEARCH_LIMIT: usize = 200;
/// Room for the protobuf framing and the other fields around a note at the size limit.
const MESSAGE_OVERHEAD: usize = 64 * 1024;

pub struct CodingService {
    engine: Arc<Engine>,
    /// Where reviewers' decisions go; feedback calls fail with FAILED_PRECONDITION without one.
    store: Option<Arc<FeedbackStore>>,
    /// Requests in flight; one more than the limit is refused at once (RESOURCE_EXHAUSTED) rather than queued.
    permits: Arc<tokio::sync::Semaphore>,
    max_concurrent: usize,
    tokens: Option<Tokens>,
    metrics: Arc<Metrics>,
    /// The threads that code notes and search codes.
    workers: Arc<Workers>,
}

/// What a server is allowed to hold, and whom it serves.
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    pub store: Option<Arc<FeedbackStore>>,
    /// Most requests worked on at once (coding, feedback, search).
    pub max_concurrent: usize,
    /// Bearer tokens and their permissions; every caller is served when `None`.
    pub tokens: Option<Tokens>,
    /// Where request, coding and feedback counts go (served by [`super::metrics::serve_metrics`]).
    pub metrics: Arc<Metrics>,
    /// TLS (rustls): the server's certificate chain and key, and optionally the CA whose client certificates
    /// are required. Plain HTTP/2 when `None`.
    pub tls: Option<TlsFiles>,
    /// Threads that code notes (0: one per core this process may run on); admitted requests beyond them wait.
    pub engine_threads: usize,
}

/// PEM contents for TLS.
#[derive(Clone)]
pub struct TlsFiles {
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
    /// When set, a client must present a certificate signed by this CA.
    pub client_ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("TlsFiles").field("client_certificates_required", &self.client_ca_pem.is_some()).finish()
    }
}

impl Default for ServiceOptions {
    fn default() -> ServiceOptions {
        ServiceOptions {
            store: None,
            max_concurrent: DEFAULT_MAX_CONCURRENT,
            tokens: None,
            metrics: Arc::new(Metrics::default()),
            tls: None,
            engine_threads: 0,
        }
    }
}

/// Default limit on requests in flight: enough to keep every core busy with room for feedback writes.
pub const DEFAULT_MAX_CONCURRENT: usize = 64;

/// Responses a CodeNotes stream holds for a slow reader before it stops reading requests (so the transport's flow
/// control slows the sender).
const STREAM_BUFFER: usize = 8;

/// Answer a little before the caller's deadline, so that the caller gets DEADLINE_EXCEEDED from the service
/// rather than the transport's own cancellation.
const DEADLINE_MARGIN: Duration = Duration::from_millis(2);

/// The Coding service, with a message-size limit that lets a note just over `--max-note-bytes` through to the
/// engine (which refuses it with a clear INVALID_ARGUMENT) while messages far beyond it are refused by the
/// transport before they are decoded (tonic answers OUT_OF_RANGE, naming the sizes only).
pub fn coding_server(engine: Arc<Engine>, options: ServiceOptions) -> std::io::Result<CodingServer<CodingService>> {
    let limit = engine.max_note_bytes().saturating_mul(2).saturating_add(MESSAGE_OVERHEAD);
    let max_concurrent = options.max_concurrent.max(1);
    let workers = Arc::new(Workers::start(options.engine_threads)?);
    tracing::info!(threads = workers.threads(), max_concurrent, "engine workers started");
    let service = CodingService {
        engine,
        store: options.store,
        permits: Arc::new(tokio::sync::Semaphore::new(max_concurrent)),
        max_concurrent,
        tokens: options.tokens,
        metrics: options.metrics,
        workers,
    };
    Ok(CodingServer::new(service).max_decoding_message_size(limit))
}

/// The caller's deadline from the `grpc-timeout` header ("250m", "5S", "1M", "100u", "20n", "1H").
fn deadline<T>(request: &Request<T>) -> Option<Instant> {
    let value = request.metadata().get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    let n: u64 = digits.parse().ok()?;
    let timeout = match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    };
    Some(Instant::now() + timeout.saturating_sub(DEADLINE_MARGIN))
}

/// Who called: the peer address until authentication names a principal.
fn caller<T>(request: &Request<T>) -> String {
    request.remote_addr().map_or_else(|| "unknown".to_string(), |a| a.to_string())
}

fn code_name(s: &Status) -> &'static str {
    match s.code() {
        tonic::Code::InvalidArgument => "INVALID_ARGUMENT",
        tonic::Code::NotFound => "NOT_FOUND",
        tonic::Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        tonic::Code::FailedPrecondition => "FAILED_PRECONDITION",
        tonic::Code::Unavailable => "UNAVAILABLE",
        tonic::Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        tonic::Code::Cancelled => "CANCELLED",
        tonic::Code::Unauthenticated => "UNAUTHENTICATED",
        tonic::Code::PermissionDenied => "PERMISSION_DENIED",
        _ => "INTERNAL",
    }
}

/// One audit line per request (target `cac::audit`): who, when (the log line's time), the note id, the outcome,
/// counts and latency. Never the note text or evidence.
fn audit(
    metrics: &Metrics,
    method: &'static str,
    who: &str,
    note_id: &str,
    status: &'static str,
    (items, gaps): (usize, usize),
    started: Instant,
) {
    metrics.request(method, status, started.elapsed());
    tracing::info!(
        target: "cac::audit",
        method,
        who,
        note_id,
        status,
        items,
        gaps,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
}

/// The audit line and metrics of one coded (or refused) note.
fn coding_outcome(
    metrics: &Metrics,
    method: &'static str,
    who: &str,
    note_id: &str,
    result: &Result<CodedNote, Status>,
    started: Instant,
) {
    match result {
        Ok(c) => {
            audit(metrics, method, who, note_id, "OK", (c.codes.len(), c.gaps.len()), started);
            metrics.coded(c.codes.iter().map(|s| s.system.as_str()), c.gaps.iter().map(|g| g.kind.as_str()));
        }
        Err(s) => audit(metrics, method, who, note_id, code_name(s), (0, 0), started),
    }
}

/// Runs work that waits on the disk off the async runtime's threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Status> + Send + 'static) -> Result<T, Status> {
    tokio::task::spawn_blocking(f).await.map_err(|_| Status::internal("the request's worker failed"))?
}

#[tonic::async_trait]
impl Coding for CodingService {
    async fn code_note(&self, request: Request<CodeNoteRequest>) -> Result<Response<CodeNoteResponse>, Status> {
        let started = Instant::now();
        let who = self.authorize("CodeNote", &request, Permission::Code)?;
        let deadline = deadline(&request);
        let note = convert::note_from_request(request.into_inner());
        let note_id = note.id.clone();
        // A deadline already passed is answered before anything waits, so the answer is ours (DEADLINE_EXCEEDED)
        // rather than the transport timer's.
        let expired = deadline.is_some_and(|d| Instant::now() >= d);
        let result = if expired {
            Err(Status::from(crate::error::Error::DeadlineExceeded))
        } else {
            match self.admit() {
                Ok(permit) => {
                    let engine = Arc::clone(&self.engine);
                    // The permit goes with the job: a request whose caller has gone still counts against the
                    // limit until a worker has run or dropped it, so the queue (and the notes it holds) stays
                    // within --max-concurrent.
                    let work = self.workers.run(move || {
                        let _permit = permit;
                        engine.code_until(&note, deadline).map_err(Status::from)
                    });
                    match deadline {
                        // The engine stops at its next stage once the deadline passes; the caller hears at once.
                        Some(d) => tokio::time::timeout_at(d.into(), work)
                            .await
                            .unwrap_or_else(|_| Err(Status::from(crate::error::Error::DeadlineExceeded))),
                        None => work.await,
                    }
                }
                Err(s) => Err(s),
            }
        };
        coding_outcome(&self.metrics, "CodeNote", &who, &note_id, &result, started);
        Ok(Response::new(convert::coded_note_response(result?)))
    }

    type CodeNotesStream = ReceiverStream<Result<CodeNoteResponse, Status>>;

    async fn code_notes(
        &self,
        request: Request<Streaming<CodeNoteRequest>>,
    ) -> Result<Response<Self::CodeNotesStream>, Status> {
        // A stream is one request in flight for the limit: it codes its notes one at a time, in order.
        let who = self.authorize("CodeNotes", &request, Permission::Code)?;
        let permit = self.admit()?;
        let mut inbound = request.into_inner();
        let engine = Arc::clone(&self.engine);
        let metrics = Arc::clone(&self.metrics);
        let workers = Arc::clone(&self.workers);
        let (tx, rx) = tokio::sync::mpsc::channel(STREAM_BUFFER);
        tokio::spawn(async move {
            let _permit = permit;
            loop {
                let next = match inbound.message().await {
                    Ok(Some(r)) => r,
                    Ok(None) => break,
                    Err(status) => {
                        // A malformed message or a client that went away: end the stream.
                        let _ = tx.send(Err(status)).await;
                        break;
                    }
                };
                // A client that has gone gets no more coding.
                if tx.is_closed() {
                    break;
                }
                let started = Instant::now();
                let note = convert::note_from_request(next);
                let note_id = note.id.clone();
                let e = Arc::clone(&engine);
                let result = workers.run(move || e.code(&note).map_err(Status::from)).await;
                coding_outcome(&metrics, "CodeNotes", &who, &note_id, &result, started);
                let response = match result {
                    Ok(c) => convert::coded_note_response(c),
                    Err(s) => CodeNoteResponse { note_id, error: s.message().to_string(), ..Default::default() },
                };
                // Waits while the client is slow to read; stops when it has gone.
                if tx.send(Ok(response)).await.is_err() {
                    break;
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn lookup_code(&self, request: Request<LookupCodeRequest>) -> Result<Response<LookupCodeResponse>, Status> {
        self.authorize("LookupCode", &request, Permission::Code)?;
        let details = self.engine.catalog().lookup(&request.into_inner().code)?;
        Ok(Response::new(convert::lookup_response(details)))
    }

    async fn search_codes(
        &self,
        request: Request<SearchCodesRequest>,
    ) -> Result<Response<SearchCodesResponse>, Status> {
        self.authorize("SearchCodes", &request, Permission::Code)?;
        let r = request.into_inner();
        let limit = match r.limit {
            0 => DEFAULT_SEARCH_LIMIT,
            n => (n as usize).min(MAX_SEARCH_LIMIT),
        };
        let permit = self.admit()?;
        let engine = Arc::clone(&self.engine);
        let hits = self
            .workers
            .run(move || {
                let _permit = permit;
                engine.catalog().search(&r.query, limit, r.billable_only).map_err(Status::from)
            })
            .await?;
        Ok(Response::new(convert::search_response(self.engine.codeset().version(), hits)))
    }

    async fn submit_feedback(
        &self,
        request: Request<SubmitFeedbackRequest>,
    ) -> Result<Response<SubmitFeedbackResponse>, Status> {
        let started = Instant::now();
        let who = self.authorize("SubmitFeedback", &request, Permission::Feedback)?;
        let store = self.store()?;
        let _permit = self.admit()?;
        let r = request.into_inner();
        let note_id = r.note_id.clone();
        let mut decision = None;
        let result = match convert::feedback_from_request(r) {
            // The insert waits for the disk (synchronous commit): off the async workers.
            Ok(feedback) => {
                decision = Some(feedback.decision.as_str());
                blocking(move || store.submit(&feedback).map_err(Status::from)).await
            }
            Err(e) => Err(Status::from(e)),
        };
        let status = result.as_ref().map_or_else(code_name, |_| "OK");
        audit(&self.metrics, "SubmitFeedback", &who, &note_id, status, (usize::from(result.is_ok()), 0), started);
        if let (Ok(_), Some(d)) = (&result, decision) {
            self.metrics.decision(d);
        }
        Ok(Response::new(SubmitFeedbackResponse { feedback_id: result? }))
    }

    async fn get_feedback_stats(
        &self,
        request: Request<GetFeedbackStatsRequest>,
    ) -> Result<Response<GetFeedbackStatsResponse>, Status> {
        self.authorize("GetFeedbackStats", &request, Permission::Stats)?;
        let store = self.store()?;
        let stats = blocking(move || store.stats().map_err(Status::from)).await?;
        Ok(Response::new(convert::feedback_stats_response(stats)))
    }
}

impl CodingService {
    /// Who is calling: the token's principal when the server checks tokens (refusing a missing, unknown or
    /// insufficient one, with an audit line), else the peer address.
    fn authorize<T>(
        &self,
        method: &'static str,
        request: &Request<T>,
        permission: Permission,
    ) -> Result<String, Status> {
        let peer = caller(request);
        match &self.tokens {
            None => Ok(peer),
            Some(tokens) => tokens.authorize(request, permission).inspect_err(|s| {
                audit(&self.metrics, method, &peer, "-", code_name(s), (0, 0), Instant::now());
            }),
        }
    }

    /// A slot for one request, or RESOURCE_EXHAUSTED at once when all are taken.
    fn admit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, Status> {
        Arc::clone(&self.permits).try_acquire_owned().map_err(|_| {
            Status::resource_exhausted(format!(
                "the server is busy ({} requests in flight, --max-concurrent); retry with backoff",
                self.max_concurrent
            ))
        })
    }

    fn store(&self) -> Result<Arc<FeedbackStore>, Status> {
        self.store
            .clone()
            .ok_or_else(|| Status::failed_precondition("this server runs without a feedback store (--feedback-db)"))
    }
}
