//! Finding documented procedures: the terms of the procedure table, matched word-bounded over the note.
//!
//! Procedures are named, not composed: "colonoscopy with biopsy", "I&D", "12-lead ECG". One automaton over
//! the same word forms as diagnoses (case, plurals, hyphens) finds them, longest first, so "portable chest
//! x-ray" wins over "chest x-ray". Articles, possessives and right/left are skipped, so "x-rays of the right
//! knee" is "x-ray of knee". Whether a found procedure was done (not planned, ordered or declined) is for
//! assertion and the coding rules to decide.
use std::collections::HashMap;

use super::{is_transparent, phrase_tokens, words::singular};
use crate::codeset::ProcedureTable;
use crate::error::BuildError;
use crate::text::phrases::{PhraseSet, PhraseSetBuilder, longest_non_overlapping};
use crate::text::{Analyzer, Document, Span};

/// A procedure term found in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureMention {
    /// Index in the procedure table.
    pub procedure: usize,
    /// Tokens `first..last` of the document.
    pub tokens: (usize, usize),
    pub span: Span,
    pub bytes: (usize, usize),
}

/// The compiled procedure terms.
pub struct ProcedureMatcher {
    vocab: HashMap<String, u32>,
    phrases: PhraseSet<usize>,
}

impl std::fmt::Debug for ProcedureMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcedureMatcher").field("terms", &self.phrases.len()).finish()
    }
}

/// A word of three capitals or more: an acronym, whose final S is no plural (terms and notes alike).
fn is_acronym(word: &str) -> bool {
    word.len() > 2 && word.chars().all(|c| c.is_ascii_uppercase())
}

fn form(token: &str) -> String {
    singular(token).into_owned()
}

/// Words a procedure's name does not depend on, skipped in terms and notes alike: "x-rays of the right knee"
/// names the same study as "knee x-ray" and "x-ray of knee" (laterality is a modifier, not another code).
/// "bilateral" is not among them: some codes differ by it.
fn is_filler(word: &str) -> bool {
    matches!(word, "the" | "a" | "an" | "his" | "her" | "their" | "right" | "left" | "rt" | "lt")
}

impl ProcedureMatcher {
    pub fn build(table: &ProcedureTable, analyzer: &Analyzer) -> Result<ProcedureMatcher, BuildError> {
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut builder = PhraseSetBuilder::new();
        for (i, p) in table.procedures().iter().enumerate() {
            for term in &p.terms {
                let acronyms: Vec<String> = term
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| is_acronym(w))
                    .map(str::to_lowercase)
                    .collect();
                let ids: Vec<u32> = phrase_tokens(&analyzer.terms(term))
                    .iter()
                    .filter(|t| !is_filler(t))
                    .map(|t| {
                        let next = vocab.len() as u32 + 1;
                        let word = if acronyms.contains(t) { t.clone() } else { form(t) };
                        *vocab.entry(word).or_insert(next)
                    })
                    .collect();
                builder.add(&ids, i)?;
            }
        }
        Ok(ProcedureMatcher { vocab, phrases: builder.build()? })
    }

    /// Every procedure term in the document, longest readings first, in text order.
    pub fn find(&self, doc: &Document<'_>) -> Vec<ProcedureMention> {
        // The word stream: tokens minus transparent punctuation, remembering each word's token.
        let mut ids = Vec::with_capacity(doc.tokens().len());
        let mut tok = Vec::with_capacity(doc.tokens().len());
        let mut after_apostrophe = false;
        for i in 0..doc.tokens().len() {
            let norm = doc.norm(i);
            if is_transparent(norm) {
                after_apostrophe = matches!(norm, "'" | "\u{2019}");
                continue;
            }
            if (std::mem::take(&mut after_apostrophe) && norm == "s") || is_filler(norm) {
                continue;
            }
            // An acronym written in capitals keeps its final S: "CRPS" (complex regional pain syndrome) is no CRP.
            let word = if is_acronym(doc.original(i)) { norm.to_string() } else { form(norm) };
            ids.push(self.vocab.get(&word).copied().unwrap_or(0));
            tok.push(i);
        }
        let found = longest_non_overlapping(self.phrases.find_all(&ids), |m| {
            doc.sentence_index(tok[m.first]) == doc.sentence_index(tok[m.last - 1]) && !doc.in_header(tok[m.first])
        });
        let mut out = Vec::new();
        for m in found {
            let (first, last) = (tok[m.first], tok[m.last - 1] + 1);
            let span = doc.span_of(first, last);
            let bytes = (doc.tokens()[first].bytes.0, doc.tokens()[last - 1].bytes.1);
            for &p in self.phrases.payloads(m.phrase) {
                out.push(ProcedureMention { procedure: p, tokens: (first, last), span, bytes });
            }
        }
        out
    }
}
