//! The lexicon: every term cac can recognise in a note, and one automaton that finds them all.
//!
//! Input: the code set (descriptions, inclusion terms) and the [`Analyzer`]; at request time a tokenized
//! [`Document`]. Output: [`Match`]es, each a run of whole tokens and the [`Term`]s it spells.
//!
//! Why an automaton over token ids rather than over characters: matching must be word-bounded ("mi" must not
//! fire inside "mild") and normalization-insensitive. Every normalized token gets a 24-bit id; a term becomes
//! the byte string of its ids, the note likewise, and a match is accepted only when it starts on a token
//! boundary (a multiple of three bytes). Word-boundedness then holds by construction, the automaton never sees
//! case, accents or spacing, and one aho-corasick pass finds every overlapping term in time linear in the note.
//!
//! Terms are tokenized by the same [`Analyzer`] as notes, word by word with a cache: the pre-tokenizer never
//! joins across whitespace, so this gives the same tokens as analysing the whole term, at a fraction of the
//! cost when ~200,000 terms share ~40,000 words.
mod search;
mod terms;

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

pub use search::{SearchHit, SearchIndex};
pub use terms::code_terms;

use crate::codeset::CodeId;
use crate::error::BuildError;
use crate::text::{Analyzer, Document, Span};

/// Bytes per token id in the automaton's alphabet.
const ID_BYTES: usize = 3;
/// Ids are 1..2^24; 0 stands for a token no term contains.
const MAX_ID: u32 = (1 << 24) - 1;

/// Index of a term in its lexicon.
pub type TermId = u32;

/// Where a term comes from; later stages weigh evidence by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermSource {
    /// The code's tabular description, as published.
    Description,
    /// The description with nonessential modifiers or qualifiers ("unspecified", "NOS") dropped.
    DescriptionVariant,
    /// An inclusion term of the code.
    InclusionTerm,
    /// An inclusion term with modifiers dropped.
    InclusionVariant,
}

/// One recognisable term and the code it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub code: CodeId,
    pub source: TermSource,
    /// Length in tokens.
    pub tokens: u16,
}

/// A run of tokens `first..last` (exclusive) in a document that spells one or more terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub first: usize,
    pub last: usize,
    /// Index into the lexicon's pattern table; see [`Lexicon::terms_of`].
    pub pattern: u32,
}

impl Match {
    pub fn len(&self) -> usize {
        self.last - self.first
    }

    pub fn is_empty(&self) -> bool {
        self.first >= self.last
    }

    fn contains(&self, other: &Match) -> bool {
        self.first <= other.first && other.last <= self.last
    }
}

/// Normalized tokens of whitespace-separated words, computed once per distinct word.
#[derive(Default)]
pub(crate) struct WordCache {
    map: HashMap<String, Vec<String>>,
}

impl WordCache {
    pub(crate) fn tokens(&mut self, analyzer: &Analyzer, word: &str) -> &[String] {
        if !self.map.contains_key(word) {
            self.map.insert(word.to_string(), analyzer.terms(word));
        }
        &self.map[word]
    }
}

/// Collects terms, then compiles them into a [`Lexicon`].
pub struct LexiconBuilder<'a> {
    analyzer: &'a Analyzer,
    vocab: HashMap<String, u32>,
    words: WordCache,
    patterns: HashMap<Vec<u8>, u32>,
    pattern_terms: Vec<Vec<TermId>>,
    terms: Vec<Term>,
}

impl<'a> LexiconBuilder<'a> {
    pub fn new(analyzer: &'a Analyzer) -> LexiconBuilder<'a> {
        LexiconBuilder {
            analyzer,
            vocab: HashMap::new(),
            words: WordCache::default(),
            patterns: HashMap::new(),
            pattern_terms: Vec::new(),
            terms: Vec::new(),
        }
    }

    /// Adds a term naming `code`. Terms that normalize to nothing are ignored; the same term for the same code
    /// is kept once (with its first source).
    pub fn add(&mut self, text: &str, code: CodeId, source: TermSource) -> Result<(), BuildError> {
        let mut key = Vec::with_capacity(text.len());
        let mut count = 0usize;
        for word in text.split_whitespace() {
            let ids = self.word_ids(word)?;
            count += ids.len();
            for id in ids {
                key.extend_from_slice(&id.to_be_bytes()[1..]);
            }
        }
        if count == 0 {
            return Ok(());
        }
        let next = self.pattern_terms.len() as u32;
        let pattern = *self.patterns.entry(key).or_insert(next);
        if pattern == next {
            self.pattern_terms.push(Vec::new());
        }
        let slot = &mut self.pattern_terms[pattern as usize];
        if slot.iter().any(|&t| self.terms[t as usize].code == code) {
            return Ok(());
        }
        slot.push(self.terms.len() as TermId);
        self.terms.push(Term { code, source, tokens: count.min(u16::MAX as usize) as u16 });
        Ok(())
    }

    fn word_ids(&mut self, word: &str) -> Result<Vec<u32>, BuildError> {
        let mut ids = Vec::new();
        for token in self.words.tokens(self.analyzer, word) {
            let next = self.vocab.len() as u32 + 1;
            if next > MAX_ID {
                return Err(BuildError::Lexicon("more than 16 million distinct words".into()));
            }
            match self.vocab.get(token) {
                Some(&id) => ids.push(id),
                None => {
                    self.vocab.insert(token.clone(), next);
                    ids.push(next);
                }
            }
        }
        Ok(ids)
    }

    pub fn build(self) -> Result<Lexicon, BuildError> {
        let mut by_index: Vec<(&Vec<u8>, u32)> = self.patterns.iter().map(|(k, &v)| (k, v)).collect();
        by_index.sort_by_key(|&(_, v)| v);
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(by_index.iter().map(|(k, _)| k.as_slice()))
            .map_err(|e| BuildError::Lexicon(e.to_string()))?;
        Ok(Lexicon { vocab: self.vocab, automaton, pattern_terms: self.pattern_terms, terms: self.terms })
    }
}

/// The compiled lexicon. Immutable; shared by all requests.
pub struct Lexicon {
    vocab: HashMap<String, u32>,
    automaton: AhoCorasick,
    pattern_terms: Vec<Vec<TermId>>,
    terms: Vec<Term>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon").field("terms", &self.terms.len()).field("words", &self.vocab.len()).finish()
    }
}

impl Lexicon {
    /// The lexicon of the first pipeline: every billable code's description and inclusion terms, with variants.
    pub fn from_codeset(codes: &crate::codeset::CodeSet, analyzer: &Analyzer) -> Result<Lexicon, BuildError> {
        let mut builder = LexiconBuilder::new(analyzer);
        for (id, code) in codes.codes().iter().enumerate() {
            if !code.billable {
                continue;
            }
            for (text, source) in code_terms(code) {
                builder.add(&text, id as CodeId, source)?;
            }
        }
        builder.build()
    }

    pub fn term(&self, id: TermId) -> &Term {
        &self.terms[id as usize]
    }

    pub fn terms_of(&self, m: &Match) -> impl Iterator<Item = (TermId, &Term)> {
        self.pattern_terms[m.pattern as usize].iter().map(|&t| (t, &self.terms[t as usize]))
    }

    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    pub fn word_count(&self) -> usize {
        self.vocab.len()
    }

    /// Every term occurrence in the document, overlapping ones included, in order of their end.
    pub fn find(&self, doc: &Document<'_>) -> Vec<Match> {
        let n = doc.tokens().len();
        let mut haystack = Vec::with_capacity(n * ID_BYTES);
        for i in 0..n {
            let id = self.vocab.get(doc.norm(i)).copied().unwrap_or(0);
            haystack.extend_from_slice(&id.to_be_bytes()[1..]);
        }
        self.automaton
            .find_overlapping_iter(&haystack)
            .filter(|m| m.start() % ID_BYTES == 0)
            .map(|m| Match { first: m.start() / ID_BYTES, last: m.end() / ID_BYTES, pattern: m.pattern().as_u32() })
            .collect()
    }
}

/// A term found in a note, resolved to the code it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub code: CodeId,
    pub term: TermId,
    pub source: TermSource,
    /// Tokens `first..last` of the document.
    pub tokens: (usize, usize),
    /// Characters of the original note.
    pub span: Span,
    /// Bytes of the original note.
    pub bytes: (usize, usize),
}

impl Lexicon {
    /// The mentions of the longest matches in a document, one per code a match names, in text order.
    pub fn mentions(&self, doc: &Document<'_>) -> Vec<Mention> {
        let mut out = Vec::new();
        for m in longest(self.find(doc)) {
            let span = doc.span_of(m.first, m.last);
            let bytes = (doc.tokens()[m.first].bytes.0, doc.tokens()[m.last - 1].bytes.1);
            for (term, t) in self.terms_of(&m) {
                out.push(Mention { code: t.code, term, source: t.source, tokens: (m.first, m.last), span, bytes });
            }
        }
        out
    }
}

/// Keeps the longest matches: a match lying wholly inside a longer one is dropped ("heart failure" inside
/// "acute systolic heart failure"). Matches that merely overlap are both kept. Output is sorted by position.
pub fn longest(mut matches: Vec<Match>) -> Vec<Match> {
    // Longest first, so that a kept match can only be contained in one already kept.
    matches.sort_by(|a, b| b.len().cmp(&a.len()).then(a.first.cmp(&b.first)));
    let mut kept: Vec<Match> = Vec::with_capacity(matches.len());
    for m in matches {
        if !kept.iter().any(|k| k.contains(&m) && k.len() > m.len()) {
            kept.push(m);
        }
    }
    kept.sort_by_key(|m| (m.first, m.last));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(analyzer: &Analyzer, terms: &[(&str, CodeId)]) -> Lexicon {
        let mut b = LexiconBuilder::new(analyzer);
        for &(t, c) in terms {
            b.add(t, c, TermSource::Description).unwrap();
        }
        b.build().unwrap()
    }

    fn found(lex: &Lexicon, analyzer: &Analyzer, text: &str) -> Vec<(String, Vec<CodeId>)> {
        let doc = analyzer.analyze(text).unwrap();
        longest(lex.find(&doc))
            .iter()
            .map(|m| (doc.slice(m.first, m.last).to_string(), lex.terms_of(m).map(|(_, t)| t.code).collect()))
            .collect()
    }

    #[test]
    fn matches_are_word_bounded_and_case_insensitive() {
        let a = Analyzer::new().unwrap();
        let lex = lexicon(&a, &[("heart failure", 1), ("acute systolic heart failure", 2), ("mi", 3)]);
        assert_eq!(
            found(&lex, &a, "Mild ACUTE  systolic Heart-failure? no: acute systolic heart failure."),
            vec![("acute systolic heart failure".to_string(), vec![2])]
        );
        assert_eq!(
            found(&lex, &a, "h/o MI, heart failure"),
            vec![("MI".to_string(), vec![3]), ("heart failure".to_string(), vec![1])]
        );
    }

    #[test]
    fn same_term_for_two_codes_is_one_pattern() {
        let a = Analyzer::new().unwrap();
        let lex = lexicon(&a, &[("sepsis", 1), ("Sepsis", 2), ("sepsis", 1)]);
        assert_eq!(lex.term_count(), 2);
        assert_eq!(found(&lex, &a, "sepsis"), vec![("sepsis".to_string(), vec![1, 2])]);
    }

    #[test]
    fn unknown_words_never_match() {
        let a = Analyzer::new().unwrap();
        let lex = lexicon(&a, &[("heart failure", 1)]);
        assert!(found(&lex, &a, "zzz qqq").is_empty());
        assert!(found(&lex, &a, "").is_empty());
    }
}
