//! The output of the engine: what a coder sees in the worklist for one note.
//!
//! These types are the JSON-lines contract (`cac code --json`, `cac batch`) as well as the domain result: field
//! names are the contract's and only ever grow. Offsets count characters (Unicode scalar values) of the note,
//! end exclusive, and `text` is exactly that slice.
use serde::Serialize;

use crate::context::Assertion;
use crate::text::Span;

/// A span of the note that supports a suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub begin: usize,
    pub end: usize,
    pub text: String,
    /// How the note asserts what this span says (negated, uncertain, hypothetical, historical, family).
    pub assertion: Assertion,
}

impl Evidence {
    /// The evidence for a span whose original text is `slice`.
    pub fn new(span: Span, slice: &str, assertion: Assertion) -> Evidence {
        Evidence { begin: span.begin, end: span.end, text: slice.to_string(), assertion }
    }
}

/// A code suggested for the note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// Upper case with the dot: "I50.23".
    pub code: String,
    /// "ICD-10-CM".
    pub system: String,
    pub description: String,
    pub score: f64,
    pub billable: bool,
    pub evidence: Vec<Evidence>,
    /// Position in the claim: 1 is the principal (inpatient) or first-listed (outpatient) diagnosis. Absent for
    /// excluded candidates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    /// The rule that produced this suggestion (or set it aside), in a sentence.
    pub rationale: String,
    /// On the FY2026 MS-DRG CC list (Table 6J) as a secondary diagnosis.
    pub cc: bool,
    /// On the FY2026 MS-DRG MCC list (Table 6I) as a secondary diagnosis.
    pub mcc: bool,
}

/// A candidate that is not suggested, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    #[serde(flatten)]
    pub suggestion: Suggestion,
    pub reason: String,
}

/// A compliant query draft for a documentation gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query {
    pub question: String,
    pub options: Vec<String>,
}

/// A documentation gap a CDI specialist may query the provider about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub title: String,
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub query: Query,
    /// Worklist rank: 1 when the answer could add or change a CC or MCC, 2 when it would add a diagnosis or
    /// change a code, 3 for specificity that leaves the severity as it is.
    pub priority: u32,
}

/// Everything the engine returns for one note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodedNote {
    pub id: String,
    /// "ICD-10-CM 2026-04".
    pub codeset: String,
    /// The scorer that produced the scores ("scorer-..." for the trained model, "rules-1" without one).
    pub model_version: String,
    pub codes: Vec<Suggestion>,
    pub excluded: Vec<Excluded>,
    pub gaps: Vec<Gap>,
}

/// Scores are reported to four decimals: more digits would claim a precision the model does not have.
pub(crate) fn round_score(score: f32) -> f64 {
    (f64::from(score) * 10_000.0).round() / 10_000.0
}
