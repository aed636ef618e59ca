//! The `cac.v1.Coding` handlers.
use std::sync::Arc;
use std::time::Instant;

use tonic::{Request, Response, Status};

use super::convert;
use super::pb::coding_server::{Coding, CodingServer};
use super::pb::{
    CodeNoteRequest, CodeNoteResponse, GetFeedbackStatsRequest, GetFeedbackStatsResponse, LookupCodeRequest,
    LookupCodeResponse, SearchCodesRequest, SearchCodesResponse, SubmitFeedbackRequest, SubmitFeedbackResponse,
};
use crate::engine::Engine;
use crate::store::FeedbackStore;

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
}

/// The Coding service, with a message-size limit that lets a note just over `--max-note-bytes` through to the
/// engine (which refuses it with a clear INVALID_ARGUMENT) while messages far beyond it are refused by the
/// transport (RESOURCE_EXHAUSTED) before they are buffered.
pub fn coding_server(engine: Arc<Engine>, store: Option<Arc<FeedbackStore>>) -> CodingServer<CodingService> {
    let limit = engine.max_note_bytes().saturating_mul(2).saturating_add(MESSAGE_OVERHEAD);
    CodingServer::new(CodingService { engine, store }).max_decoding_message_size(limit)
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
        _ => "INTERNAL",
    }
}

/// One audit line per request (target `cac::audit`): who, when (the log line's time), the note id, the outcome,
/// counts and latency. Never the note text or evidence.
fn audit(method: &str, who: &str, note_id: &str, status: &str, items: usize, gaps: usize, started: Instant) {
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

/// Runs CPU-bound engine work off the async runtime's worker threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Status> + Send + 'static) -> Result<T, Status> {
    tokio::task::spawn_blocking(f).await.map_err(|_| Status::internal("the request's worker failed"))?
}

#[tonic::async_trait]
impl Coding for CodingService {
    async fn code_note(&self, request: Request<CodeNoteRequest>) -> Result<Response<CodeNoteResponse>, Status> {
        let started = Instant::now();
        let who = caller(&request);
        let note = convert::note_from_request(request.into_inner());
        let note_id = note.id.clone();
        let engine = Arc::clone(&self.engine);
        let result = blocking(move || engine.code(&note).map_err(Status::from)).await;
        match &result {
            Ok(c) => audit("CodeNote", &who, &note_id, "OK", c.codes.len(), c.gaps.len(), started),
            Err(s) => audit("CodeNote", &who, &note_id, code_name(s), 0, 0, started),
        }
        Ok(Response::new(convert::coded_note_response(result?)))
    }

    async fn lookup_code(&self, request: Request<LookupCodeRequest>) -> Result<Response<LookupCodeResponse>, Status> {
        let details = self.engine.catalog().lookup(&request.into_inner().code)?;
        Ok(Response::new(convert::lookup_response(details)))
    }

    async fn search_codes(
        &self,
        request: Request<SearchCodesRequest>,
    ) -> Result<Response<SearchCodesResponse>, Status> {
        let r = request.into_inner();
        let limit = match r.limit {
            0 => DEFAULT_SEARCH_LIMIT,
            n => (n as usize).min(MAX_SEARCH_LIMIT),
        };
        let engine = Arc::clone(&self.engine);
        let hits =
            blocking(move || engine.catalog().search(&r.query, limit, r.billable_only).map_err(Status::from)).await?;
        Ok(Response::new(convert::search_response(self.engine.codeset().version(), hits)))
    }

    async fn submit_feedback(
        &self,
        request: Request<SubmitFeedbackRequest>,
    ) -> Result<Response<SubmitFeedbackResponse>, Status> {
        let started = Instant::now();
        let who = caller(&request);
        let store = self.store()?;
        let r = request.into_inner();
        let note_id = r.note_id.clone();
        let result = match convert::feedback_from_request(r) {
            // The insert waits for the disk (synchronous commit): off the async workers.
            Ok(feedback) => blocking(move || store.submit(&feedback).map_err(Status::from)).await,
            Err(e) => Err(Status::from(e)),
        };
        let status = result.as_ref().map_or_else(code_name, |_| "OK");
        audit("SubmitFeedback", &who, &note_id, status, usize::from(result.is_ok()), 0, started);
        Ok(Response::new(SubmitFeedbackResponse { feedback_id: result? }))
    }

    async fn get_feedback_stats(
        &self,
        _request: Request<GetFeedbackStatsRequest>,
    ) -> Result<Response<GetFeedbackStatsResponse>, Status> {
        let store = self.store()?;
        let stats = blocking(move || store.stats().map_err(Status::from)).await?;
        Ok(Response::new(convert::feedback_stats_response(stats)))
    }
}

impl CodingService {
    fn store(&self) -> Result<Arc<FeedbackStore>, Status> {
        self.store
            .clone()
            .ok_or_else(|| Status::failed_precondition("this server runs without a feedback store (--feedback-db)"))
    }
}
