//! cac: computer-assisted coding. Clinical notes in; ICD-10-CM and CPT/HCPCS codes out, each with a score and the
//! evidence spans that support it, and the documentation gaps a CDI specialist would query.
//!
//! The pipeline, one module per stage, in the order a note flows through it (see [`engine`]):
//!
//! | stage | module | in | out |
//! |---|---|---|---|
//! | code set | [`codeset`] | CDC tabular XML | codes, hierarchy, notes, 7th characters |
//! | text | [`text`] | note text | tokens with offsets into the original, sentences, sections |
//! | lexicon | [`lexicon`] | tokens | mentions of codes: phrases, composition, refinement |
//! | assertion | [`context`] | tokens, mentions | negated, uncertain, hypothetical, historical, family |
//! | coding | [`coding`] | mentions | candidates, then ranked suggestions |
//! | scoring | [`classify`] | candidates | a score per candidate |
//! | CDI | [`cdi`] | coded note, values in the text | documentation gaps with query drafts; CC/MCC flags |
//!
//! Beside the pipeline, [`catalog`] looks codes up and searches them, and [`eval`] measures predictions against
//! coded notes. Around the core: [`jsonl`] (the JSON-lines contract), `grpc` (the tonic service), [`store`]
//! (reviewers' feedback in SQLite) and `cli` (the `cac` binary). Only `grpc`, `store` and `cli` touch the network,
//! the file system or the async runtime; every other module takes text or readers and returns values, so it can
//! be tested and benchmarked on its own.
pub mod catalog;
pub mod cdi;
pub mod classify;
pub mod cli;
pub mod codeset;
pub mod coding;
pub mod context;
pub mod engine;
pub mod error;
pub mod eval;
pub mod grpc;
pub mod jsonl;
pub mod lexicon;
pub mod models;
pub mod note;
pub mod store;
pub mod suggestion;
pub mod text;

pub use codeset::CodeSet;
pub use engine::{Engine, EngineBuilder};
pub use error::{BuildError, Error};
pub use note::{Note, PatientStatus, Setting};
pub use suggestion::{CodedNote, Evidence, Excluded, Gap, Suggestion};
