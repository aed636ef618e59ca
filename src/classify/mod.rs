//! Scoring: how sure cac is that a coder would assign a candidate code to the note.
//!
//! Input: the candidates of one note. Output: one score in [0, 1] per candidate, in the same order.
//!
//! Scoring is a trait so that the engine does not care what computes the number: [`RuleScorer`] is a
//! transparent heuristic over how a code was matched (used by unit tests and as the fallback), and the ONNX
//! runtime ([`onnx`]) is loaded once at start-up for the trained model. All candidates of a note are scored in
//! one call, so a model can batch them.
pub mod onnx;
mod rules;

pub use rules::RuleScorer;

use crate::codeset::CodeSet;
use crate::coding::Candidate;
use crate::error::Error;

/// Scores every candidate of one note.
pub trait Scorer: Send + Sync {
    /// Name and version reported with results ("rules-1").
    fn name(&self) -> &str;
    /// One score in [0, 1] per candidate, same order.
    fn score(&self, codes: &CodeSet, candidates: &[Candidate]) -> Result<Vec<f32>, Error>;
}
