//! Free-text code search (`cac search`, `SearchCodes`): each code is ranked by its best-matching term.
//!
//! Coders search the way they think ("hip fracture right", "type 2 diabetes"), not in tabular word order, so
//! this is a bag-of-words ranking rather than the phrase automaton used on notes. A code's terms ("fields") are
//! its description, its inclusion terms, and its ancestors' inclusion terms ("Fracture of hip NOS" at S72.00
//! describes S72.001 too).
//!
//! A field scores by how much of the query it covers and how much of itself the query explains, both weighted
//! by inverse document frequency: `coverage × (0.3 + 0.7 × precision)`. Scoring fields rather than summing a
//! code's words keeps long notes of inclusion terms from outranking the code a coder means: "heart failure"
//! finds "Heart failure, unspecified" (everything but a near-stop-word explained) above "Hypertensive heart
//! disease with heart failure". A query found as a phrase in the field gets a bonus, and among equal scores the
//! shorter description wins.
use std::collections::HashMap;

use super::WordCache;
use crate::codeset::{CodeId, CodeSet, NoteKind, canonical_code};
use crate::text::Analyzer;

/// Score multiplier when the query is a phrase of the field.
const PHRASE_BONUS: f32 = 1.25;
/// Score multiplier for a term inherited from an ancestor.
const INHERITED: f32 = 0.9;

/// One ranked result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub code: CodeId,
    pub score: f32,
}

struct Field {
    code: CodeId,
    words: Box<[u32]>,
    weight: f32,
    inherited: bool,
}

/// Inverted index over code descriptions and inclusion terms.
pub struct SearchIndex {
    vocab: HashMap<String, u32>,
    idf: Vec<f32>,
    fields: Vec<Field>,
    postings: Vec<Vec<u32>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("words", &self.vocab.len()).field("fields", &self.fields.len()).finish()
    }
}

impl SearchIndex {
    pub fn build(codes: &CodeSet, analyzer: &Analyzer) -> SearchIndex {
        let mut cache = WordCache::default();
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut fields = Vec::new();
        let mut tokenize = |text: &str, vocab: &mut HashMap<String, u32>| -> Box<[u32]> {
            let mut ids = Vec::new();
            for word in text.split_whitespace() {
                for t in cache.tokens(analyzer, word) {
                    if is_searchable(t) {
                        let next = vocab.len() as u32;
                        ids.push(*vocab.entry(t.to_string()).or_insert(next));
                    }
                }
            }
            ids.into_boxed_slice()
        };
        for (id, code) in codes.codes().iter().enumerate() {
            let id = id as CodeId;
            fields.push(Field {
                code: id,
                words: tokenize(&code.description, &mut vocab),
                weight: 0.0,
                inherited: false,
            });
            for ancestor in codes.ancestors(id) {
                for note in codes.code(ancestor).notes_of(NoteKind::InclusionTerm) {
                    let words = tokenize(&note.text, &mut vocab);
                    fields.push(Field { code: id, words, weight: 0.0, inherited: ancestor != id });
                }
            }
        }
        // Document frequency counts codes, not fields.
        let mut df = vec![0u32; vocab.len()];
        let mut last_code = vec![u32::MAX; vocab.len()];
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); vocab.len()];
        for (f, field) in fields.iter().enumerate() {
            for &w in field.words.iter() {
                if postings[w as usize].last() != Some(&(f as u32)) {
                    postings[w as usize].push(f as u32);
                }
                if last_code[w as usize] != field.code {
                    last_code[w as usize] = field.code;
                    df[w as usize] += 1;
                }
            }
        }
        let n = codes.len() as f32;
        let idf: Vec<f32> = df.iter().map(|&d| ((n + 1.0) / (d as f32 + 0.5)).ln().max(0.01)).collect();
        for field in &mut fields {
            let mut seen: Vec<u32> = field.words.to_vec();
            seen.sort_unstable();
            seen.dedup();
            field.weight = seen.iter().map(|&w| idf[w as usize]).sum();
        }
        SearchIndex { vocab, idf, fields, postings }
    }

    /// The best `limit` codes for a query, best first.
    pub fn search(
        &self,
        codes: &CodeSet,
        analyzer: &Analyzer,
        query: &str,
        limit: usize,
        billable_only: bool,
    ) -> Vec<SearchHit> {
        // A query that is itself a code finds that code and what lies below it, nothing else.
        if let Some(id) = canonical_code(query).and_then(|c| codes.id_of(&c)) {
            return std::iter::once(id)
                .chain(codes.code(id).children.iter().copied())
                .filter(|&c| !billable_only || codes.code(c).billable)
                .take(limit)
                .map(|code| SearchHit { code, score: f32::MAX })
                .collect();
        }
        let mut hits = Vec::new();
        let phrase: Vec<Option<u32>> =
            analyzer.terms(query).iter().filter(|t| is_searchable(t)).map(|t| self.vocab.get(t).copied()).collect();
        let mut query_words: Vec<u32> = phrase.iter().flatten().copied().collect();
        query_words.sort_unstable();
        query_words.dedup();
        // Words the code set never uses still count against coverage.
        let unknown = phrase.iter().filter(|w| w.is_none()).count() as f32;
        let query_weight: f32 =
            query_words.iter().map(|&w| self.idf[w as usize]).sum::<f32>() + unknown * self.idf_ceiling();
        if query_weight <= 0.0 {
            return hits;
        }
        let mut matched: HashMap<u32, f32> = HashMap::new();
        for &w in &query_words {
            for &f in &self.postings[w as usize] {
                *matched.entry(f).or_insert(0.0) += self.idf[w as usize];
            }
        }
        let known_phrase: Option<Vec<u32>> = phrase.iter().copied().collect();
        let mut best: HashMap<CodeId, f32> = HashMap::new();
        for (f, m) in matched {
            let field = &self.fields[f as usize];
            if billable_only && !codes.code(field.code).billable {
                continue;
            }
            let coverage = m / query_weight;
            let precision = m / field.weight.max(f32::EPSILON);
            let mut score = coverage * (0.3 + 0.7 * precision.min(1.0));
            if let Some(p) = &known_phrase
                && p.len() > 1
                && field.words.windows(p.len()).any(|w| w == p.as_slice())
            {
                score *= PHRASE_BONUS;
            }
            if field.inherited {
                score *= INHERITED;
            }
            let e = best.entry(field.code).or_insert(0.0);
            *e = e.max(score);
        }
        let mut ranked: Vec<(CodeId, f32)> = best.into_iter().collect();
        let length = |c: CodeId| codes.code(c).description.len();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(length(a.0).cmp(&length(b.0))).then(a.0.cmp(&b.0)));
        for (code, score) in ranked {
            if hits.len() >= limit {
                break;
            }
            hits.push(SearchHit { code, score });
        }
        hits
    }

    fn idf_ceiling(&self) -> f32 {
        self.idf.iter().copied().fold(0.0, f32::max)
    }
}

fn is_searchable(token: &str) -> bool {
    token.chars().next().is_some_and(char::is_alphanumeric)
}
