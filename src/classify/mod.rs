//! Scoring: how sure cac is that a coder would assign a candidate code to the note.
//!
//! Input: the candidates of one note. Output: one score in [0, 1] per candidate, in the same order.
//!
//! Scoring is a trait so that the engine does not care what computes the number: [`RuleScorer`] is a
//! transparent heuristic over how a code was matched (used by unit tests and when no model is available), and
//! [`onnx::OnnxScorer`] runs the trained model on the features of [`features`] (subword ids from [`wordpiece`]).
//! All candidates of a note are scored in one call, so a model can batch them.
pub mod features;
pub mod onnx;
mod rules;
pub mod wordpiece;

pub use rules::RuleScorer;

use crate::codeset::CodeSet;
use crate::coding::Candidate;
use crate::error::Error;
use crate::text::Document;

/// What a scorer may look at: the note and its candidates.
pub struct ScoringInput<'a, 'd> {
    pub codes: &'a CodeSet,
    pub doc: &'a Document<'d>,
    pub candidates: &'a [Candidate],
}

/// Scores every candidate of one note.
pub trait Scorer: Send + Sync {
    /// Name and version reported with results ("rules-1", the model's version).
    fn name(&self) -> &str;
    /// One score in [0, 1] per candidate, same order.
    fn score(&self, input: &ScoringInput<'_, '_>) -> Result<Vec<f32>, Error>;
    /// The worklist threshold this scorer was tuned for.
    fn default_threshold(&self) -> f32;
}
