//! Coding: from mentions to the codes a coder would put on the claim.
//!
//! Input: the mentions the lexicon found, with their assertions. Output: [`Candidate`]s (one per code, with
//! every mention as evidence) for the scorer, and after scoring the ranked [`Suggestion`]s plus the candidates
//! that are not suggested ([`Excluded`], with the reason).
//!
//! Candidates are proposed before scoring so that every rule's output is scored the same way, and the final
//! selection happens after. A code is suggested when at least one of its mentions asserts the condition for
//! the patient; a code whose every mention is negated, hypothetical or a relative's is reported in `excluded`
//! with that reason, so the coder can see what cac read and set aside.
use std::collections::HashMap;

use crate::codeset::{CodeId, CodeSet, ICD10CM};
use crate::context::Assertion;
use crate::lexicon::Mention;
use crate::suggestion::{Evidence, Excluded, Suggestion, round_score};
use crate::text::Document;

/// A code proposed for a note, with the mentions that support it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub code: CodeId,
    /// In text order; never empty.
    pub mentions: Vec<Mention>,
}

/// Why a candidate is not suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Negated,
    Family,
    Hypothetical,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Negated => "negated",
            Reason::Family => "family",
            Reason::Hypothetical => "hypothetical",
        }
    }
}

/// Groups mentions by code, in order of each code's first mention.
pub fn candidates(mentions: Vec<Mention>) -> Vec<Candidate> {
    let mut order: Vec<Candidate> = Vec::new();
    let mut index: HashMap<CodeId, usize> = HashMap::new();
    for m in mentions {
        match index.get(&m.code) {
            Some(&i) => order[i].mentions.push(m),
            None => {
                index.insert(m.code, order.len());
                order.push(Candidate { code: m.code, mentions: vec![m] });
            }
        }
    }
    order
}

/// Why one mention does not count for its code, if it does not. Family-history and personal-history codes
/// (Z80-Z87) are themselves about relatives and the past, so those flags do not set them aside.
pub fn mention_reason(codes: &CodeSet, m: &Mention) -> Option<Reason> {
    let description = &codes.code(m.code).description;
    let about_family = description.starts_with("Family history");
    let a: &Assertion = &m.assertion;
    if a.negated {
        Some(Reason::Negated)
    } else if a.family && !about_family {
        Some(Reason::Family)
    } else if a.hypothetical {
        Some(Reason::Hypothetical)
    } else {
        None
    }
}

/// Suggested and excluded codes for scored candidates: billable codes only, best score first (ties in text
/// order).
pub fn suggestions(
    codes: &CodeSet,
    doc: &Document<'_>,
    candidates: &[Candidate],
    scores: &[f32],
) -> (Vec<Suggestion>, Vec<Excluded>) {
    let mut ranked: Vec<(usize, f32)> = scores.iter().copied().enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut suggested = Vec::new();
    let mut excluded = Vec::new();
    for (i, score) in ranked {
        let c = &candidates[i];
        let code = codes.code(c.code);
        if !code.billable {
            continue;
        }
        let reasons: Vec<Option<Reason>> = c.mentions.iter().map(|m| mention_reason(codes, m)).collect();
        let mut evidence: Vec<Evidence> = Vec::with_capacity(c.mentions.len());
        for m in &c.mentions {
            if !evidence.iter().any(|e| e.begin == m.span.begin && e.end == m.span.end) {
                evidence.push(Evidence::new(m.span, &doc.text()[m.bytes.0..m.bytes.1], m.assertion));
            }
        }
        let suggestion = Suggestion {
            code: code.code.clone(),
            system: ICD10CM.to_string(),
            description: code.description.clone(),
            score: round_score(score),
            billable: code.billable,
            evidence,
        };
        if reasons.iter().any(Option::is_none) {
            suggested.push(suggestion);
        } else {
            // Every mention is set aside; the strongest reason is reported.
            let reason = [Reason::Negated, Reason::Family, Reason::Hypothetical]
                .into_iter()
                .find(|r| reasons.contains(&Some(*r)))
                .unwrap_or(Reason::Negated);
            excluded.push(Excluded { suggestion, reason: reason.as_str().to_string() });
        }
    }
    (suggested, excluded)
}
