//! Coding: from mentions to the codes a coder would put on the claim.
//!
//! Input: the mentions the lexicon found, resolved to codes. Output: [`Candidate`]s (one per code, with every
//! mention as evidence) for the scorer, and after scoring the ranked [`Suggestion`]s.
//!
//! This first version groups and ranks; the guideline logic of the ICD-10-CM Official Guidelines (specificity,
//! combination codes, Excludes1, sequencing) builds on the same two steps: candidates are proposed before
//! scoring so that every rule's output is scored the same way, and the final selection happens after.
use std::collections::HashMap;

use crate::codeset::{CodeId, CodeSet, ICD10CM};
use crate::lexicon::Mention;
use crate::suggestion::{Evidence, Suggestion, round_score};
use crate::text::Document;

/// A code proposed for a note, with the mentions that support it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub code: CodeId,
    /// In text order; never empty.
    pub mentions: Vec<Mention>,
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

/// The suggestions for scored candidates: billable codes only, best score first (ties in text order).
pub fn suggestions(codes: &CodeSet, doc: &Document<'_>, candidates: &[Candidate], scores: &[f32]) -> Vec<Suggestion> {
    let mut ranked: Vec<(usize, f32)> = scores.iter().copied().enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
        .into_iter()
        .filter(|&(i, _)| codes.code(candidates[i].code).billable)
        .map(|(i, score)| {
            let c = &candidates[i];
            let code = codes.code(c.code);
            let mut evidence: Vec<Evidence> = Vec::with_capacity(c.mentions.len());
            for m in &c.mentions {
                if !evidence.iter().any(|e| e.begin == m.span.begin && e.end == m.span.end) {
                    evidence.push(Evidence::new(m.span, &doc.text()[m.bytes.0..m.bytes.1]));
                }
            }
            Suggestion {
                code: code.code.clone(),
                system: ICD10CM.to_string(),
                description: code.description.clone(),
                score: round_score(score),
                billable: code.billable,
                evidence,
            }
        })
        .collect()
}
