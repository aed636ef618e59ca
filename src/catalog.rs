//! The catalog: looking codes up and searching for them, the coder's reference desk.
//!
//! Separate from the [`Engine`](crate::engine::Engine) because `cac lookup` and `cac search` need the code set
//! but not the lexicon automaton, and should start in the time it takes to parse the tabular. The engine holds
//! a catalog over the same `Arc<CodeSet>` for the gRPC `LookupCode` and `SearchCodes` calls. The search index is
//! built on first use, since most deployments only code notes.
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::codeset::{CodeId, CodeSet, NoteKind, canonical_code};
use crate::error::{BuildError, Error, Result};
use crate::lexicon::SearchIndex;
use crate::suggestion::round_score;
use crate::text::Analyzer;

/// A code and what a coder needs to know about it (`cac lookup`, `LookupCode`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeDetails {
    pub codeset: String,
    pub code: String,
    pub description: String,
    pub billable: bool,
    pub parent: Option<String>,
    pub children: Vec<String>,
    pub chapter: String,
    pub chapter_title: String,
    pub block: String,
    pub block_title: String,
    /// Every note in force, own first, then inherited ones nearest first.
    pub notes: Vec<NoteInForce>,
    /// The 7th-character table to choose from, as (character, meaning), when one is still to be chosen.
    pub seven_characters: Vec<(char, String)>,
}

/// A note that applies to a code, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteInForce {
    pub kind: NoteKind,
    pub text: String,
    pub source: String,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub code: String,
    pub description: String,
    pub billable: bool,
    /// Relative to the best result (1.0), so scores read the same whatever the query.
    pub score: f64,
}

pub struct Catalog {
    codes: Arc<CodeSet>,
    analyzer: Analyzer,
    search: OnceLock<SearchIndex>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("codeset", &self.codes.version()).finish()
    }
}

impl Catalog {
    pub fn new(codes: Arc<CodeSet>) -> Result<Catalog, BuildError> {
        Ok(Catalog { codes, analyzer: Analyzer::new()?, search: OnceLock::new() })
    }

    pub fn codeset(&self) -> &CodeSet {
        &self.codes
    }

    fn id_of(&self, code: &str) -> Result<CodeId> {
        self.codes.id_of(code).ok_or_else(|| Error::UnknownCode {
            // Show the code as a coder would write it; anything else is cut to a short printable form.
            code: canonical_code(code)
                .unwrap_or_else(|| code.chars().filter(|c| c.is_ascii_graphic()).take(16).collect()),
            codeset: self.codes.version().to_string(),
        })
    }

    /// Looks up one code written any common way ("I50.23", "i5023").
    pub fn lookup(&self, code: &str) -> Result<CodeDetails> {
        let id = self.id_of(code)?;
        let cs = &self.codes;
        let c = cs.code(id);
        let chapter = cs.chapter_of(id);
        let block = cs.block_of(id);
        let notes = cs
            .notes_in_force(id)
            .map(|(source, n)| NoteInForce { kind: n.kind, text: n.text.clone(), source: cs.source_label(source) })
            .collect();
        let seven_characters = match (c.extension, cs.seven_char_table(id)) {
            (None, Some(t)) => t.chars.iter().map(|s| (s.character, s.description.clone())).collect(),
            _ => Vec::new(),
        };
        Ok(CodeDetails {
            codeset: cs.version().to_string(),
            code: c.code.clone(),
            description: c.description.clone(),
            billable: c.billable,
            parent: c.parent.map(|p| cs.code(p).code.clone()),
            children: c.children.iter().map(|&k| cs.code(k).code.clone()).collect(),
            chapter: chapter.number.clone(),
            chapter_title: chapter.title.clone(),
            block: block.id.clone(),
            block_title: block.title.clone(),
            notes,
            seven_characters,
        })
    }

    /// Ranks codes for a free-text query, best first.
    pub fn search(&self, query: &str, limit: usize, billable_only: bool) -> Result<Vec<SearchResult>> {
        if query.trim().is_empty() {
            return Err(Error::InvalidArgument { field: "query", reason: "query is empty".into() });
        }
        let index = self.search.get_or_init(|| SearchIndex::build(&self.codes, &self.analyzer));
        let hits = index.search(&self.codes, &self.analyzer, query, limit, billable_only);
        let best = hits.iter().map(|h| h.score).filter(|s| *s < f32::MAX).fold(0.0f32, f32::max);
        Ok(hits
            .into_iter()
            .map(|h| {
                let c = self.codes.code(h.code);
                let score = if h.score == f32::MAX || best <= 0.0 { 1.0 } else { (h.score / best).min(1.0) };
                SearchResult {
                    code: c.code.clone(),
                    description: c.description.clone(),
                    billable: c.billable,
                    score: round_score(score),
                }
            })
            .collect())
    }
}
