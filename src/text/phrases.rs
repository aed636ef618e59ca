//! Word-bounded phrase matching over token ids: one aho-corasick automaton for any number of phrases.
//!
//! Callers map their tokens to `u32` ids (their own vocabulary; 0 for a token no phrase uses) and phrases to
//! id sequences. Each id becomes three bytes; a phrase is the byte string of its ids and a note likewise, and a
//! match counts only when it starts on a token boundary (a multiple of three bytes). Word-boundedness then holds
//! by construction and the automaton never sees case, accents or spacing. Used by the lexicon (clinical terms)
//! and by assertion (ConText triggers).
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::error::BuildError;

/// Bytes per token id.
const ID_BYTES: usize = 3;
/// Largest id that fits in three bytes.
pub const MAX_ID: u32 = (1 << 24) - 1;

/// One occurrence: tokens `first..last` spell phrase `phrase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    pub first: usize,
    pub last: usize,
    pub phrase: u32,
}

impl PhraseMatch {
    pub fn len(&self) -> usize {
        self.last - self.first
    }

    pub fn is_empty(&self) -> bool {
        self.first >= self.last
    }
}

/// Collects phrases; identical phrases share one entry, which keeps every payload given for it.
#[derive(Default)]
pub struct PhraseSetBuilder<P> {
    index: HashMap<Vec<u8>, u32>,
    payloads: Vec<Vec<P>>,
}

impl<P> PhraseSetBuilder<P> {
    pub fn new() -> Self {
        PhraseSetBuilder { index: HashMap::new(), payloads: Vec::new() }
    }

    /// Adds a phrase (ids must be 1..=MAX_ID); returns false for an empty phrase, which is ignored.
    pub fn add(&mut self, ids: &[u32], payload: P) -> Result<bool, BuildError> {
        Ok(self.add_indexed(ids, payload)?.is_some())
    }

    /// Adds a phrase and returns its index and whether it was new; `None` for an empty phrase.
    pub fn add_indexed(&mut self, ids: &[u32], payload: P) -> Result<Option<(u32, bool)>, BuildError> {
        if ids.is_empty() {
            return Ok(None);
        }
        let mut key = Vec::with_capacity(ids.len() * ID_BYTES);
        for &id in ids {
            if id == 0 || id > MAX_ID {
                return Err(BuildError::Lexicon(format!("token id {id} out of range")));
            }
            key.extend_from_slice(&id.to_be_bytes()[1..]);
        }
        let next = self.payloads.len() as u32;
        let at = *self.index.entry(key).or_insert(next);
        let new = at == next;
        if new {
            self.payloads.push(Vec::new());
        }
        self.payloads[at as usize].push(payload);
        Ok(Some((at, new)))
    }

    pub fn build(self) -> Result<PhraseSet<P>, BuildError> {
        let mut keys: Vec<(Vec<u8>, u32)> = self.index.into_iter().collect();
        keys.sort_by_key(|&(_, v)| v);
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(keys.iter().map(|(k, _)| k.as_slice()))
            .map_err(|e| BuildError::Lexicon(e.to_string()))?;
        Ok(PhraseSet { automaton, payloads: self.payloads })
    }
}

/// A compiled phrase set.
pub struct PhraseSet<P> {
    automaton: AhoCorasick,
    payloads: Vec<Vec<P>>,
}

impl<P> std::fmt::Debug for PhraseSet<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhraseSet").field("phrases", &self.payloads.len()).finish()
    }
}

impl<P> PhraseSet<P> {
    pub fn len(&self) -> usize {
        self.payloads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.payloads.is_empty()
    }

    pub fn payloads(&self, phrase: u32) -> &[P] {
        &self.payloads[phrase as usize]
    }

    /// Every occurrence in a sequence of token ids, overlapping ones included.
    pub fn find_all(&self, ids: &[u32]) -> Vec<PhraseMatch> {
        let mut haystack = Vec::with_capacity(ids.len() * ID_BYTES);
        for &id in ids {
            haystack.extend_from_slice(&id.min(MAX_ID).to_be_bytes()[1..]);
        }
        self.automaton
            .find_overlapping_iter(&haystack)
            .filter(|m| m.start() % ID_BYTES == 0)
            .map(|m| PhraseMatch {
                first: m.start() / ID_BYTES,
                last: m.end() / ID_BYTES,
                phrase: m.pattern().as_u32(),
            })
            .collect()
    }
}

/// Longest-first selection without overlap: a longer match wins over any match it overlaps; among equal
/// lengths the earlier one wins. `accept` can veto a match (a constraint not met) before it competes.
pub fn longest_non_overlapping(
    mut matches: Vec<PhraseMatch>,
    mut accept: impl FnMut(&PhraseMatch) -> bool,
) -> Vec<PhraseMatch> {
    matches.retain(|m| accept(m));
    matches.sort_by(|a, b| b.len().cmp(&a.len()).then(a.first.cmp(&b.first)));
    let mut taken: Vec<PhraseMatch> = Vec::with_capacity(matches.len());
    for m in matches {
        if !taken.iter().any(|t| t.first < m.last && m.first < t.last) {
            taken.push(m);
        }
    }
    taken.sort_by_key(|m| m.first);
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_word_bounded_overlapping_phrases() {
        let mut b = PhraseSetBuilder::new();
        b.add(&[1, 2], "ab").unwrap();
        b.add(&[2, 3], "bc").unwrap();
        b.add(&[1, 2, 3], "abc").unwrap();
        b.add(&[1, 2], "ab again").unwrap();
        assert!(!b.add(&[], "empty").unwrap());
        let set = b.build().unwrap();
        let all = set.find_all(&[9, 1, 2, 3, 0, 2, 3]);
        assert_eq!(all.len(), 4);
        let best = longest_non_overlapping(all, |_| true);
        let names: Vec<Vec<&str>> = best.iter().map(|m| set.payloads(m.phrase).to_vec()).collect();
        assert_eq!(names, vec![vec!["abc"], vec!["bc"]]);
        assert_eq!((best[0].first, best[0].last), (1, 4));
        let vetoed = longest_non_overlapping(set.find_all(&[1, 2, 3]), |m| m.len() < 3);
        assert_eq!(vetoed.len(), 1);
    }

    #[test]
    fn ids_that_straddle_tokens_do_not_match() {
        // [0x00,0x01,0x02][0x03,...]: the phrase with id 0x010203 must not match across two tokens.
        let mut b = PhraseSetBuilder::new();
        b.add(&[0x01_0203], ()).unwrap();
        let set = b.build().unwrap();
        assert!(set.find_all(&[0x00_0001, 0x02_0300]).is_empty());
    }
}
