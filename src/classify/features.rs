//! What the scorer sees of a candidate: the model's exact inputs, computed in one place.
//!
//! The same function feeds the ONNX model at run time and writes `cac features` for training, so the model is
//! trained on exactly what it is later shown (no train/serve skew). Four inputs per candidate:
//! * `dense`: [`FEATURE_NAMES`], numbers describing how the code was found (match kind, term source, assertion,
//!   section, number of mentions, code depth and chapter, the rule that produced it, conflicts);
//! * `context`: subword ids (the project's `models/tokenizer.json`) of the sentences around the candidate's
//!   evidence, nearest words first, [`CONTEXT_LEN`] at most;
//! * `description`: subword ids of the code's description, [`DESCRIPTION_LEN`] at most.
//!
//! * `code_keys`: [`CODE_KEYS`] keys, of the candidate's code and of its category ([`code_key`]), with which the
//!   model looks up what its training labels say of that code and that category: how often a coder accepted it
//!   when the engine proposed it, and how often it was proposed. Coders' habits are per code (one hospital never
//!   codes a murmur, another always does), and the subword bags see a code only through its description's words.
//!
//! Id 0 is padding in both id inputs. The note is tokenized once; each candidate takes the subwords whose
//! character offsets fall in its evidence's sentences. A description's ids never change, so they are computed once
//! per description and kept (the code set bounds that memory); tokenizing them for every candidate of every note
//! was a fifth of the engine's time.
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use serde::Serialize;

use super::wordpiece::{Subword, WordPiece};

use crate::codeset::CodeSet;
use crate::coding::{Candidate, Rule};
use crate::error::BuildError;
use crate::lexicon::{MatchKind, TermSource};
use crate::text::{Document, SectionKind};

/// Subword ids of context per candidate.
pub const CONTEXT_LEN: usize = 48;
/// Subword ids of the description per candidate.
pub const DESCRIPTION_LEN: usize = 16;
/// Keys per candidate: its code's, its category's.
pub const CODE_KEYS: usize = 2;
/// Buckets of the code keys: the size of the model's per-code tables (`cac.key_buckets` in its metadata).
pub const KEY_BUCKETS: u64 = 1 << 16;

/// The bucket of a code ("I50.9") or category ("I50"): FNV-1a (64-bit) of its bytes, modulo [`KEY_BUCKETS`].
/// Written out so that nothing about it can change with a library version: the model's tables are indexed by it.
pub fn code_key(code: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in code.as_bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % KEY_BUCKETS) as i64
}

const KINDS: [MatchKind; 5] =
    [MatchKind::Exact, MatchKind::Variant, MatchKind::Abbreviation, MatchKind::Lexicon, MatchKind::Compositional];
const SOURCES: [TermSource; 5] = [
    TermSource::Description,
    TermSource::DescriptionVariant,
    TermSource::InclusionTerm,
    TermSource::InclusionVariant,
    TermSource::Lexicon,
];

/// Section groups, in the order of their features.
fn section_group(kind: SectionKind) -> usize {
    match kind {
        k if k.is_diagnostic_statement() => 0,
        SectionKind::PastMedicalHistory
        | SectionKind::PastSurgicalHistory
        | SectionKind::FamilyHistory
        | SectionKind::SocialHistory => 1,
        SectionKind::ChiefComplaint | SectionKind::HistoryOfPresentIllness | SectionKind::HospitalCourse => 2,
        SectionKind::PhysicalExam | SectionKind::Vitals | SectionKind::ReviewOfSystems => 3,
        SectionKind::Labs | SectionKind::Imaging | SectionKind::Procedures => 4,
        SectionKind::Plan | SectionKind::Medications | SectionKind::Allergies => 5,
        SectionKind::Unknown => 6,
        _ => 6,
    }
}

/// Names of the dense features, in order (the model card lists them).
pub const FEATURE_NAMES: &[&str] = &[
    "kind_exact",
    "kind_variant",
    "kind_abbreviation",
    "kind_lexicon",
    "kind_compositional",
    "source_description",
    "source_description_variant",
    "source_inclusion",
    "source_inclusion_variant",
    "source_lexicon",
    "negated",
    "uncertain",
    "hypothetical",
    "historical",
    "family",
    "past",
    "section_diagnostic",
    "section_history",
    "section_presenting",
    "section_exam",
    "section_results",
    "section_plan",
    "section_other",
    "mentions_log",
    "sentences_log",
    "words_matched",
    "span_tokens_log",
    "first_position",
    "depth",
    "symptom_chapter",
    "status_chapter",
    "injury_chapter",
    "neoplasm_chapter",
    "description_unspecified",
    "description_other",
    "rule_matched",
    "rule_combination",
    "rule_family_history",
    "rule_personal_history",
    "conflict",
    "note_tokens_log",
    "candidates_log",
    "seventh_character",
];

/// The model inputs of one candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateFeatures {
    pub dense: Vec<f32>,
    pub context: Vec<i64>,
    pub description: Vec<i64>,
    /// [`CODE_KEYS`] keys: the code's, its category's.
    pub code_keys: Vec<i64>,
}

/// Computes features; holds the subword tokenizer.
pub struct FeatureExtractor {
    words: WordPiece,
    /// Description text -> its first [`DESCRIPTION_LEN`] subword ids.
    descriptions: RwLock<HashMap<Box<str>, Arc<[i64]>>>,
}

impl std::fmt::Debug for FeatureExtractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FeatureExtractor")
    }
}

impl FeatureExtractor {
    /// From the tokenizer JSON (`models/tokenizer.json`).
    pub fn from_json(json: &str) -> Result<FeatureExtractor, BuildError> {
        Ok(FeatureExtractor { words: WordPiece::from_json(json)?, descriptions: RwLock::default() })
    }

    /// The tokenizer shipped with the binary.
    pub fn embedded() -> Result<FeatureExtractor, BuildError> {
        FeatureExtractor::from_json(crate::models::TOKENIZER.1)
    }

    /// Subword ids of a text with their character offsets.
    fn subwords(&self, text: &str) -> Vec<Subword> {
        self.words.encode(text)
    }

    /// Subword ids of a code description, from the cache when it has been seen before.
    fn description_ids(&self, description: &str) -> Arc<[i64]> {
        // A poisoned lock only means another thread panicked mid-insert; the map itself is still whole.
        if let Some(ids) = self.descriptions.read().unwrap_or_else(|e| e.into_inner()).get(description) {
            return Arc::clone(ids);
        }
        let ids: Arc<[i64]> = self.subwords(description).into_iter().map(|s| s.0).take(DESCRIPTION_LEN).collect();
        self.descriptions.write().unwrap_or_else(|e| e.into_inner()).insert(description.into(), Arc::clone(&ids));
        ids
    }

    /// Features of every candidate of a note, in order.
    pub fn extract(&self, codes: &CodeSet, doc: &Document<'_>, candidates: &[Candidate]) -> Vec<CandidateFeatures> {
        let subwords = if candidates.is_empty() { Vec::new() } else { self.subwords(doc.text()) };
        let n_tokens = doc.tokens().len().max(1);
        let n_chars = doc.tokens().last().map_or(1, |t| t.span.end).max(1);
        candidates
            .iter()
            .map(|c| {
                let code = codes.code(c.code);
                let mut f = vec![0f32; FEATURE_NAMES.len()];
                let best =
                    c.mentions.iter().max_by_key(|m| (m.words, std::cmp::Reverse(m.kind))).unwrap_or(&c.mentions[0]);
                if let Some(k) = KINDS.iter().position(|&k| k == best.kind) {
                    f[k] = 1.0;
                }
                if let Some(s) = SOURCES.iter().position(|&s| s == best.source) {
                    f[5 + s] = 1.0;
                }
                let n = c.mentions.len() as f32;
                for m in &c.mentions {
                    let a = m.assertion;
                    for (k, on) in
                        [a.negated, a.uncertain, a.hypothetical, a.historical, a.family, a.past].into_iter().enumerate()
                    {
                        f[10 + k] += f32::from(u8::from(on)) / n;
                    }
                    f[16 + section_group(doc.section_of(m.tokens.0))] += 1.0 / n;
                }
                let mut sentences: Vec<usize> = c.mentions.iter().map(|m| doc.sentence_index(m.tokens.0)).collect();
                sentences.sort_unstable();
                sentences.dedup();
                f[23] = (1.0 + n).ln();
                f[24] = (1.0 + sentences.len() as f32).ln();
                f[25] = c.mentions.iter().map(|m| m.words).max().unwrap_or(0) as f32 / 10.0;
                f[26] = (1.0 + (best.tokens.1 - best.tokens.0) as f32).ln();
                f[27] = c.mentions.iter().map(|m| m.span.begin).min().unwrap_or(0) as f32 / n_chars as f32;
                f[28] = code.depth() as f32 / 4.0;
                let first = code.code.as_bytes()[0];
                f[29] = f32::from(u8::from(first == b'R'));
                f[30] = f32::from(u8::from(first == b'Z'));
                f[31] = f32::from(u8::from(first == b'S' || first == b'T'));
                f[32] = f32::from(u8::from(first == b'C' || (first == b'D' && code.code.as_str() < "D50")));
                let lower = code.description.to_ascii_lowercase();
                f[33] = f32::from(u8::from(lower.contains("unspecified")));
                f[34] = f32::from(u8::from(lower.starts_with("other")));
                let rule = [Rule::Matched, Rule::Combination, Rule::FamilyHistory, Rule::PersonalHistory];
                if let Some(r) = rule.iter().position(|&r| r == c.rule) {
                    f[35 + r] = 1.0;
                }
                f[39] = f32::from(u8::from(c.conflict));
                f[40] = (n_tokens as f32).ln() / 10.0;
                f[41] = (candidates.len() as f32).ln() / 5.0;
                f[42] = f32::from(u8::from(code.extension.is_some()));
                CandidateFeatures {
                    dense: f,
                    context: context_ids(doc, c, &subwords),
                    description: self.description_ids(&code.description).to_vec(),
                    code_keys: vec![code_key(&code.code), code_key(&code.code[..code.code.len().min(3)])],
                }
            })
            .collect()
    }
}

/// Subword ids of the sentences holding a candidate's evidence, nearest to the evidence first.
fn context_ids(doc: &Document<'_>, c: &Candidate, subwords: &[Subword]) -> Vec<i64> {
    let mut picked: Vec<(usize, i64)> = Vec::new();
    for m in &c.mentions {
        let s = doc.sentence_of(m.tokens.0);
        let (from, to) = (doc.tokens()[s.first].span.begin, doc.tokens()[s.last - 1].span.end);
        let at = subwords.partition_point(|w| w.1 < from);
        for w in &subwords[at..] {
            if w.1 >= to {
                break;
            }
            let distance = if w.2 <= m.span.begin { m.span.begin - w.2 } else { w.1.saturating_sub(m.span.end) };
            picked.push((distance, w.0));
        }
    }
    picked.sort_by_key(|p| p.0);
    let mut ids: Vec<i64> = Vec::with_capacity(CONTEXT_LEN);
    for (_, id) in picked {
        if ids.len() == CONTEXT_LEN {
            break;
        }
        ids.push(id);
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_keys_are_fnv1a_buckets() {
        // FNV-1a test vectors: "" -> cbf29ce484222325, "a" -> af63dc4c8601ec8c.
        assert_eq!(code_key(""), 0x2325);
        assert_eq!(code_key("a"), 0xec8c);
        assert_ne!(code_key("I50.9"), code_key("I50"));
        assert!((0..KEY_BUCKETS as i64).contains(&code_key("S72.001A")));
    }
}
