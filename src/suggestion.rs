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

impl CodedNote {
    /// Every evidence span of the answer: suggested codes, excluded codes and gaps.
    pub fn evidence(&self) -> impl Iterator<Item = &Evidence> {
        self.codes
            .iter()
            .chain(self.excluded.iter().map(|x| &x.suggestion))
            .flat_map(|s| &s.evidence)
            .chain(self.gaps.iter().flat_map(|g| &g.evidence))
    }

    /// What breaks the offset contract against the note's `text`: a span that is empty, runs past the note, or
    /// whose `text` is not the slice it names. Empty when the answer is sound. The messages name offsets only,
    /// never text (the property tests and fuzz targets report them).
    pub fn span_faults(&self, text: &str) -> Vec<String> {
        // Byte offset of every character boundary, so character offsets index the text directly.
        let bounds: Vec<usize> = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
        let chars = bounds.len() - 1;
        self.evidence()
            .filter_map(|e| {
                if e.begin >= e.end || e.end > chars {
                    Some(format!("span {}..{} is empty or outside the note's {chars} characters", e.begin, e.end))
                } else if text[bounds[e.begin]..bounds[e.end]] != e.text {
                    Some(format!("span {}..{}: its text is not the note's slice at those offsets", e.begin, e.end))
                } else {
                    None
                }
            })
            .collect()
    }
}

/// Scores are reported to four decimals: more digits would claim a precision the model does not have.
pub(crate) fn round_score(score: f32) -> f64 {
    (f64::from(score) * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note_with(spans: &[(usize, usize, &str)]) -> CodedNote {
        let evidence = spans
            .iter()
            .map(|&(begin, end, text)| Evidence { begin, end, text: text.into(), assertion: Assertion::default() })
            .collect();
        CodedNote {
            id: "n".into(),
            codeset: String::new(),
            model_version: String::new(),
            codes: vec![Suggestion {
                code: "I50.9".into(),
                system: "ICD-10-CM".into(),
                description: String::new(),
                score: 1.0,
                billable: true,
                evidence,
                sequence: None,
                rationale: String::new(),
                cc: false,
                mcc: false,
            }],
            excluded: Vec::new(),
            gaps: Vec::new(),
        }
    }

    #[test]
    fn span_faults_counts_characters_and_finds_every_kind_of_fault() {
        // "é" is two bytes and one character: offsets are characters.
        let text = "né CHF";
        assert!(note_with(&[(3, 6, "CHF"), (0, 2, "né")]).span_faults(text).is_empty());
        let faults = note_with(&[(3, 7, "CHF"), (3, 3, ""), (2, 5, "CHF"), (3, 6, "CHF")]).span_faults(text);
        assert_eq!(faults.len(), 3, "{faults:?}");
        assert!(faults.iter().all(|f| !f.contains("CHF")), "faults never quote the note: {faults:?}");
    }
}
