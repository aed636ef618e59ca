//! History codes: a relative's condition becomes a family-history code (Z80-Z84), a condition of the patient's
//! past that no longer exists becomes a personal-history code (Z85-Z87, and I25.2 for an old myocardial
//! infarction), as the Official Guidelines (I.C.21.c.4) require.
//!
//! The mapping is read from the code set, not from a hand list, so it covers every condition:
//! * history codes name the conditions they stand for in their inclusion terms ("Conditions classifiable to
//!   C50.-" under Z85.3): a reference that covers the condition's code decides, the narrowest one first;
//! * otherwise the words after "history of" in the history code's description are compared with the words of
//!   the condition's code and its ancestors (for family history also its block and chapter: "Family history of
//!   other diseases of the circulatory system" is the family history of hypertension).
//!
//! A personal-history code is chosen only when it names the condition specifically (a narrow reference, or
//! enough shared words). Chronic conditions still under treatment (hypertension, diabetes, COPD) only reach the
//! residual "Personal history of other diseases of the ..." codes, which the words do not support: those stay
//! coded as current, which is what the guidelines say of chronic conditions listed under past history.
use crate::codeset::{CodeId, CodeSet, NoteKind, NoteSource};
use crate::lexicon::Lexicon;
use crate::text::Analyzer;

/// A reference covering at most this many categories names its conditions specifically.
const SPECIFIC_REFERENCE: usize = 10;

#[derive(Debug, Clone)]
struct Target {
    code: CodeId,
    /// Word sets of the conditions the description names (split at " and other ").
    alternatives: Vec<Vec<u32>>,
    /// "Conditions classifiable to ..." references in force, each with how many categories it covers.
    references: Vec<(crate::codeset::CodeRef, usize)>,
    /// The words of the kind of condition, before its site ("malignant neoplasm" of "... of breast"); empty when
    /// the description names no site.
    nature: Vec<u32>,
}

/// History codes and how to find them for a condition. Built once at start-up.
#[derive(Debug, Default)]
pub struct HistoryIndex {
    family: Vec<Target>,
    personal: Vec<Target>,
    /// Words of each block and chapter title, for the family-history context.
    block_words: Vec<Vec<u32>>,
    chapter_words: Vec<Vec<u32>>,
    /// The word "traumatic", which every injury (S00-T14) is: "Personal history of (healed) traumatic fracture"
    /// (Z87.81) is the history of a fracture coded in the injury chapter.
    traumatic: Vec<u32>,
}

fn in_range(code: &str, from: &str, to: &str) -> bool {
    let c = &code[..code.len().min(3)];
    c >= from && c <= to
}

impl HistoryIndex {
    pub fn build(codes: &CodeSet, lexicon: &Lexicon, analyzer: &Analyzer) -> HistoryIndex {
        let categories: Vec<&str> =
            codes.codes().iter().filter(|c| c.parent.is_none()).map(|c| c.code.as_str()).collect();
        let coverage = |r: &crate::codeset::CodeRef| categories.iter().filter(|c| r.covers(c)).count();
        let target = |id: CodeId| -> Target {
            let code = codes.code(id);
            let lower = code.description.to_ascii_lowercase();
            let condition = match lower.find("history of ") {
                Some(at) => &code.description[at + "history of ".len()..],
                // "Old myocardial infarction": the words past "old".
                None => code.description.trim_start_matches("Old ").trim_start_matches("old "),
            };
            let alternatives = condition
                .split(" and other ")
                .map(|part| lexicon.words_of(analyzer, part))
                .filter(|w| !w.is_empty())
                .collect();
            let references = codes
                .notes_in_force(id)
                .filter(|(src, n)| matches!(src, NoteSource::Code(_)) && n.kind == NoteKind::InclusionTerm)
                .filter(|(_, n)| n.text.to_ascii_lowercase().starts_with("conditions classifiable to"))
                .flat_map(|(_, n)| n.refs.iter().cloned())
                .map(|r| {
                    let width = coverage(&r).max(1);
                    (r, width)
                })
                .collect();
            let nature = condition.split_once(" of ").map(|(n, _)| lexicon.words_of(analyzer, n)).unwrap_or_default();
            Target { code: id, alternatives, references, nature }
        };
        let mut family = Vec::new();
        let mut personal = Vec::new();
        for (id, code) in codes.codes().iter().enumerate() {
            if !code.billable {
                continue;
            }
            let id = id as CodeId;
            if in_range(&code.code, "Z80", "Z84") && code.description.starts_with("Family history of") {
                family.push(target(id));
            } else if (in_range(&code.code, "Z85", "Z87") && code.description.starts_with("Personal history of"))
                || code.code == "I25.2"
            {
                personal.push(target(id));
            }
        }
        HistoryIndex {
            family,
            personal,
            block_words: codes.blocks().iter().map(|b| lexicon.words_of(analyzer, &b.title)).collect(),
            chapter_words: codes.chapters().iter().map(|c| lexicon.words_of(analyzer, &c.title)).collect(),
            traumatic: lexicon.words_of(analyzer, "traumatic"),
        }
    }

    /// Words describing a condition: its code and the ancestors' descriptions, plus (for family history) its
    /// block and chapter titles.
    fn context(&self, codes: &CodeSet, lexicon: &Lexicon, id: CodeId, wide: bool) -> Vec<u32> {
        let mut words: Vec<u32> = codes.ancestors(id).flat_map(|a| lexicon.code_words(a).iter().copied()).collect();
        let code = codes.code(id);
        if code.code.starts_with('S') || ("T00".."T15").contains(&&code.code[..3]) {
            words.extend(&self.traumatic);
        }
        if wide {
            words.extend(&self.block_words[code.block as usize]);
            words.extend(&self.chapter_words[code.chapter as usize]);
        }
        words.sort_unstable();
        words.dedup();
        words
    }

    fn best(&self, targets: &[Target], codes: &CodeSet, context: &[u32], id: CodeId) -> Option<CodeId> {
        let code = &codes.code(id).code;
        let mut best: Option<((usize, usize, u32), CodeId)> = None;
        for t in targets {
            if t.code == id {
                continue;
            }
            let reference = t.references.iter().filter(|(r, _)| r.covers(code)).map(|(_, w)| *w).min();
            // A condition outside the ones a history code names by reference needs at least that code's kind of
            // condition: "Personal history of malignant neoplasm of unspecified female genital organ" (C51-C63 in
            // force) is no history of an abnormal Pap smear (R87.619), whatever words of the site the two share.
            if reference.is_none()
                && !t.references.is_empty()
                && !t.nature.iter().all(|w| context.binary_search(w).is_ok())
            {
                continue;
            }
            let (overlap, size) = t
                .alternatives
                .iter()
                .map(|alt| (alt.iter().filter(|w| context.binary_search(w).is_ok()).count(), alt.len()))
                .max_by(|a, b| (a.0 * b.1).cmp(&(b.0 * a.1)).then(a.0.cmp(&b.0)))
                .unwrap_or((0, 1));
            // A narrow reference names the condition; a broad one ("Conditions classifiable to J00-J99") needs
            // every word of the history code's condition; without a reference, most of its words.
            let eligible = match reference {
                Some(w) if w <= SPECIFIC_REFERENCE => true,
                Some(_) => overlap == size && size >= 1,
                None => overlap >= 2 && overlap * 5 >= size * 3,
            };
            if !eligible {
                continue;
            }
            // Narrowest reference first, then most shared words, then the fewest words left unexplained.
            let key = (reference.unwrap_or(usize::MAX), usize::MAX - overlap, (size - overlap) as u32);
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, t.code));
            }
        }
        best.map(|(_, c)| c)
    }

    /// The family-history code for a relative's condition.
    pub fn family(&self, codes: &CodeSet, lexicon: &Lexicon, id: CodeId) -> Option<CodeId> {
        let context = self.context(codes, lexicon, id, true);
        self.best(&self.family, codes, &context, id)
    }

    /// The personal-history code for a past condition, when the classification has one that names it.
    pub fn personal(&self, codes: &CodeSet, lexicon: &Lexicon, id: CodeId) -> Option<CodeId> {
        let context = self.context(codes, lexicon, id, false);
        self.best(&self.personal, codes, &context, id)
    }
}
