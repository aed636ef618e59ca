//! Typed errors, one enum per boundary.
//!
//! * [`BuildError`]: building something at start-up (parsing the code set, compiling the lexicon, loading a
//!   model). These stop the process with a clear message; they never happen while serving.
//! * [`Error`]: coding one note or answering one query. These are the caller's problem (bad input, unknown code)
//!   or, rarely, an internal failure; the service keeps serving after any of them.
//!
//! No variant carries note text: errors end up in logs and gRPC statuses, and note text is PHI.
use std::fmt;

/// Result of a per-request operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A per-request failure. Mapped to a gRPC status in exactly one place (`grpc::status`).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// The note text is empty or only whitespace.
    #[error("text is empty")]
    EmptyText,
    /// The note text is longer than the configured limit.
    #[error("text is {size} bytes, over the limit of {limit} bytes (--max-note-bytes)")]
    TextTooLarge { size: usize, limit: usize },
    /// A code that is not in the loaded code set (or not a well-formed code at all).
    #[error("code {code} is not in {codeset}")]
    UnknownCode { code: String, codeset: String },
    /// A request field has a value outside its domain (the message names the field, never note text).
    #[error("{field}: {reason}")]
    InvalidArgument { field: &'static str, reason: String },
    /// A failure inside the engine that is not the caller's fault.
    #[error("internal error in {stage}: {reason}")]
    Internal { stage: Stage, reason: String },
    /// The caller's deadline passed before the note was coded; the work stopped.
    #[error("the deadline passed before the note was coded")]
    DeadlineExceeded,
}

/// The pipeline stage an internal error came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Text,
    Lexicon,
    Context,
    Classify,
    Coding,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Text => "text analysis",
            Stage::Lexicon => "lexicon matching",
            Stage::Context => "assertion",
            Stage::Classify => "scoring",
            Stage::Coding => "coding rules",
        })
    }
}

/// A start-up failure: the engine or one of its parts could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The ICD-10-CM tabular XML could not be read or is not what the loader expects.
    #[error("ICD-10-CM tabular: {0}")]
    Tabular(String),
    /// The loaded code set does not have what the engine needs (e.g. no codes at all).
    #[error("code set: {0}")]
    CodeSet(String),
    /// The text analyzer (normalizer, pre-tokenizer) could not be built.
    #[error("text analyzer: {0}")]
    Text(String),
    /// The lexicon (terms, automaton) could not be built.
    #[error("lexicon: {0}")]
    Lexicon(String),
    /// A data file the project ships under `models/` is malformed; names the file and line.
    #[error("{file}:{line}: {reason}")]
    DataFile { file: String, line: usize, reason: String },
    /// The ONNX runtime or model could not be loaded.
    #[error("ONNX runtime: {0}")]
    Onnx(String),
}
