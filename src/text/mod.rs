//! Text analysis: normalized tokens that point back into the original note.
//!
//! Input: the note text as written (`&str`, any UTF-8). Output: a [`Document`] of [`Token`]s, each with its
//! normalized form and its exact span in the original text, in characters (the unit of the public contract) and
//! in bytes (for slicing).
//!
//! Normalization and pre-tokenization run through the `tokenizers` crate ([`Analyzer`]): format characters
//! removed (zero-width spaces, soft hyphens), NFKD, accents stripped, lower case, NFKC; then words, numbers
//! ("2.5", "1,200") and single punctuation marks become tokens and whitespace disappears. `tokenizers` keeps an
//! alignment from every normalized byte to the original, so offsets survive ligatures, full-width forms and
//! combining marks: that alignment is why it is used instead of a hand-rolled lower-casing.
//!
//! On top of the tokens the document knows its structure: section headers and the section every token is in
//! ([`SectionKind`]), and sentences or list items ([`Sentence`]), the units within which a condition's
//! modifiers and a negation's scope are read.
//!
//! Invariant: for every token, `&text[token.bytes]` is a non-empty slice on character boundaries, and
//! `token.span` counts the same characters. Tokens are in text order and do not overlap. Sentences partition
//! the tokens in order.
mod analyzer;
pub mod phrases;
mod sections;
mod sentences;

pub use analyzer::Analyzer;
pub use sections::{Header, SectionKind};
pub use sentences::Sentence;

use serde::Serialize;

/// A half-open range of characters (Unicode scalar values) in the original note: the unit of every offset cac
/// reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub begin: usize,
    pub end: usize,
}

impl Span {
    pub fn new(begin: usize, end: usize) -> Span {
        Span { begin, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.begin
    }

    pub fn is_empty(&self) -> bool {
        self.begin >= self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span { begin: self.begin.min(other.begin), end: self.end.max(other.end) }
    }
}

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters, possibly with digits ("heart", "t2dm", "b12").
    Word,
    /// Digits, possibly with a decimal point or thousands separators ("2.5", "1,200").
    Number,
    /// One punctuation or symbol character.
    Punct,
}

/// One token of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Range of the normalized form in [`Document::normalized`].
    norm: (u32, u32),
    /// Characters in the original text.
    pub span: Span,
    /// Bytes in the original text.
    pub bytes: (usize, usize),
    pub kind: TokenKind,
    /// Line breaks in the original text between the previous token and this one.
    pub newlines_before: u16,
}

/// A note split into tokens, sentences and sections, borrowing the original text.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    text: &'a str,
    normalized: String,
    tokens: Vec<Token>,
    sentences: Vec<Sentence>,
    /// Sentence index of every token.
    sentence_of: Vec<u32>,
    /// Section of every token.
    section_of: Vec<SectionKind>,
    headers: Vec<Header>,
    /// For each header written inline (its section's text follows on the same line), the first token past that
    /// text (see [`Document::beyond_inline_header`]); `usize::MAX` for a header on a line of its own.
    inline_until: Vec<usize>,
}

impl<'a> Document<'a> {
    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The normalized form of a token ("CHF" -> "chf", "Ménière" -> "meniere").
    pub fn norm(&self, i: usize) -> &str {
        let (b, e) = self.tokens[i].norm;
        &self.normalized[b as usize..e as usize]
    }

    /// The original text of a token.
    pub fn original(&self, i: usize) -> &'a str {
        let (b, e) = self.tokens[i].bytes;
        &self.text[b..e]
    }

    /// Characters covered by tokens `first..last` (exclusive).
    pub fn span_of(&self, first: usize, last: usize) -> Span {
        Span::new(self.tokens[first].span.begin, self.tokens[last - 1].span.end)
    }

    /// The original text of tokens `first..last` (exclusive), including what lies between them.
    pub fn slice(&self, first: usize, last: usize) -> &'a str {
        &self.text[self.tokens[first].bytes.0..self.tokens[last - 1].bytes.1]
    }

    pub fn sentences(&self) -> &[Sentence] {
        &self.sentences
    }

    /// The sentence (or list item) token `i` is in.
    pub fn sentence_of(&self, i: usize) -> Sentence {
        self.sentences[self.sentence_of[i] as usize]
    }

    /// Index of the sentence token `i` is in.
    pub fn sentence_index(&self, i: usize) -> usize {
        self.sentence_of[i] as usize
    }

    /// The section token `i` is in.
    pub fn section_of(&self, i: usize) -> SectionKind {
        self.section_of[i]
    }

    /// Section headers, in order.
    pub fn headers(&self) -> &[Header] {
        &self.headers
    }

    /// Is token `i` part of a section header ("Family history:")?
    pub fn in_header(&self, i: usize) -> bool {
        let at = self.headers.partition_point(|h| h.last <= i);
        self.headers.get(at).is_some_and(|h| h.first <= i && i < h.last)
    }

    /// Is token `i` past the text of its section's header, when that header was written inline with its text
    /// ("Family history: uncle with ALS.")? Narrative notes label one statement that way and go on without
    /// another header, so what such a header implies about its text (a relative's, the past) holds for its own
    /// line, the lines that finish its sentence and the list items under it only; a header on a line of its own
    /// ("FAMILY HISTORY" above a list) governs down to the next header.
    pub fn beyond_inline_header(&self, i: usize) -> bool {
        let at = self.headers.partition_point(|h| h.first <= i);
        at.checked_sub(1).is_some_and(|k| i >= self.inline_until[k])
    }

    /// Does a line starting at token `i` begin with a list marker ("-", "*", "•", "1.", "2)")?
    fn is_list_item(&self, i: usize) -> bool {
        match self.norm(i) {
            "-" | "*" | "\u{2022}" | "\u{00b7}" => true,
            t if t.chars().all(|c| c.is_ascii_digit()) => {
                i + 1 < self.tokens.len() && matches!(self.norm(i + 1), "." | ")")
            }
            _ => false,
        }
    }

    /// Is token `i` the last on its line?
    pub fn line_end(&self, i: usize) -> bool {
        self.tokens.get(i + 1).is_none_or(|t| t.newlines_before > 0)
    }

    /// Finds sentences and sections; called once by the analyzer.
    fn structure(&mut self, headers: &sections::HeaderTable) {
        let n = self.tokens.len();
        let mut found: Vec<Header> = Vec::new();
        let mut i = 0;
        while i < n {
            let line_start = i == 0 || self.tokens[i].newlines_before > 0;
            if line_start {
                // A list marker may precede the header ("1. Assessment:") only in rare templates; headers
                // are read at the very start of a line.
                if let Some(h) = headers.at(i, n, |j| self.norm(j), |j| self.line_end(j)) {
                    found.push(h);
                    i = h.last.max(i + 1);
                    // Templates run headers together on one line ("PAST MEDICAL HISTORY:   PHYSICAL EXAM:").
                    while let Some(next) = headers.at(i, n, |j| self.norm(j), |j| self.line_end(j)) {
                        found.push(next);
                        i = next.last.max(i + 1);
                    }
                    continue;
                }
            }
            i += 1;
        }
        let mut section_of = vec![SectionKind::Unknown; n];
        for (k, h) in found.iter().enumerate() {
            let end = found.get(k + 1).map_or(n, |next| next.first);
            for s in &mut section_of[h.first..end] {
                *s = h.kind;
            }
        }
        let starts: Vec<usize> = found.iter().flat_map(|h| [h.first, h.last]).filter(|&t| t < n).collect();
        let sentences = sentences::split(&sentences::TokenView::new(self), &starts);
        let mut sentence_of = vec![0u32; n];
        for (k, s) in sentences.iter().enumerate() {
            for x in &mut sentence_of[s.first..s.last] {
                *x = k as u32;
            }
        }
        self.sentences = sentences;
        self.sentence_of = sentence_of;
        self.section_of = section_of;
        self.inline_until = found
            .iter()
            .enumerate()
            .map(|(k, h)| {
                if h.last >= n || self.line_end(h.last - 1) {
                    return usize::MAX;
                }
                // The first line that neither continues an unfinished sentence ("significant for" above a
                // wrapped line) nor is a list item ("- breast cancer (mother)"); the next header ends it anyway.
                let section_end = found.get(k + 1).map_or(n, |next| next.first);
                (h.last + 1..section_end)
                    .find(|&j| {
                        self.tokens[j].newlines_before > 0
                            && matches!(self.norm(j - 1), "." | "!" | "?")
                            && !self.is_list_item(j)
                    })
                    .unwrap_or(usize::MAX)
            })
            .collect();
        self.headers = found;
    }
}

/// Converts byte offsets of a text to character offsets. ASCII text (most notes) needs no table.
pub(crate) struct CharIndex {
    /// Byte offset of every character start, when the text is not ASCII.
    starts: Option<Vec<usize>>,
}

impl CharIndex {
    pub(crate) fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            CharIndex { starts: None }
        } else {
            CharIndex { starts: Some(text.char_indices().map(|(b, _)| b).collect()) }
        }
    }

    /// The character index at a byte offset (on a boundary, or the end of the text).
    pub(crate) fn char_at(&self, byte: usize) -> usize {
        match &self.starts {
            None => byte,
            Some(starts) => starts.partition_point(|&b| b < byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(a: &Analyzer, text: &str) -> Vec<String> {
        let doc = a.analyze(text).unwrap();
        (0..doc.tokens().len()).map(|i| doc.norm(i).to_string()).collect()
    }

    #[test]
    fn normalizes_and_splits() {
        let a = Analyzer::new().unwrap();
        assert_eq!(
            words(&a, "Acute on chronic CHF, EF 25%."),
            ["acute", "on", "chronic", "chf", ",", "ef", "25", "%", "."]
        );
        assert_eq!(words(&a, "Ménière's disease"), ["meniere", "'", "s", "disease"]);
        assert_eq!(words(&a, "metformin 2.5 mg, WBC 12,400"), ["metformin", "2.5", "mg", ",", "wbc", "12,400"]);
        assert_eq!(words(&a, "ﬁbrosis Ｔ２ＤＭ"), ["fibrosis", "t2dm"]);
        assert_eq!(words(&a, "heart\u{200b}failure soft\u{ad}ware"), ["heartfailure", "software"]);
    }

    #[test]
    fn offsets_point_into_the_original() {
        let a = Analyzer::new().unwrap();
        let text = "Pt: ﬁbrosis — Ménière's, naïve T2DM\n\nHFrEF";
        let doc = a.analyze(text).unwrap();
        let chars: Vec<char> = text.chars().collect();
        for (i, t) in doc.tokens().iter().enumerate() {
            let by_chars: String = chars[t.span.begin..t.span.end].iter().collect();
            assert_eq!(by_chars, doc.original(i), "token {i}");
        }
        let last = doc.tokens().len() - 1;
        assert_eq!(doc.original(last), "HFrEF");
        assert_eq!(doc.tokens()[last].newlines_before, 2);
        assert_eq!(doc.original(1), ":");
        assert_eq!(doc.original(2), "ﬁbrosis");
    }

    #[test]
    fn odd_input_does_not_panic() {
        let a = Analyzer::new().unwrap();
        for text in ["", " ", "\n\n\n", "\u{200b}", "\u{301}\u{301}a", "مرحبا بالعالم", "🙂🙂 x"] {
            let doc = a.analyze(text).unwrap();
            for t in doc.tokens() {
                assert!(t.span.begin < t.span.end);
                assert!(text.is_char_boundary(t.bytes.0) && text.is_char_boundary(t.bytes.1));
            }
        }
    }
}

#[cfg(test)]
mod structure_tests {
    use super::*;

    fn sentences(text: &str) -> Vec<String> {
        let a = Analyzer::new().unwrap();
        let doc = a.analyze(text).unwrap();
        doc.sentences().iter().map(|s| doc.slice(s.first, s.last).to_string()).collect()
    }

    fn sections(text: &str) -> Vec<(String, SectionKind)> {
        let a = Analyzer::new().unwrap();
        let doc = a.analyze(text).unwrap();
        doc.sentences().iter().map(|s| (doc.slice(s.first, s.last).to_string(), doc.section_of(s.first))).collect()
    }

    #[test]
    fn abbreviations_and_decimals_do_not_end_sentences() {
        assert_eq!(
            sentences("Seen by Dr. Smith today. Metformin 2.5 mg b.i.d. for DM. Pt. denies pain."),
            ["Seen by Dr. Smith today.", "Metformin 2.5 mg b.i.d. for DM.", "Pt. denies pain."]
        );
        assert_eq!(sentences("Take q.4h. as needed. Then stop."), ["Take q.4h. as needed.", "Then stop."]);
        assert_eq!(sentences("e.g. fever, i.e. pyrexia. Next one"), ["e.g. fever, i.e. pyrexia.", "Next one"]);
    }

    #[test]
    fn lists_and_line_breaks() {
        assert_eq!(
            sentences("Plan:\n1. Heart failure. Diurese.\n2. Hypertension\n- COPD\n• Gout"),
            ["Plan:", "1. Heart failure.", "Diurese.", "2. Hypertension", "- COPD", "• Gout"]
        );
        // A wrapped line continues; a new capitalised line in a template starts a new unit.
        assert_eq!(
            sentences("worsening dyspnea with bilateral lower extremity\nedema and orthopnea\nHypertension\nDiabetes"),
            ["worsening dyspnea with bilateral lower extremity\nedema and orthopnea", "Hypertension", "Diabetes"]
        );
        assert_eq!(sentences("A.\n\nB"), ["A.", "B"]);
    }

    #[test]
    fn headers_set_the_section() {
        let got = sections(
            "CHIEF COMPLAINT\n\nCough.\n\nPMH: HTN, DM2.\nFamily History: mother with breast cancer.\n\
             PHYSICAL EXAM\nPE notable for wheeze.\nA/P: COPD exacerbation.\nHistory of smoking.",
        );
        let kinds: Vec<SectionKind> = got.iter().map(|g| g.1).collect();
        assert_eq!(
            kinds,
            [
                SectionKind::ChiefComplaint,
                SectionKind::ChiefComplaint,
                SectionKind::PastMedicalHistory,
                SectionKind::PastMedicalHistory,
                SectionKind::FamilyHistory,
                SectionKind::FamilyHistory,
                SectionKind::PhysicalExam,
                SectionKind::PhysicalExam,
                SectionKind::AssessmentAndPlan,
                SectionKind::AssessmentAndPlan,
                SectionKind::AssessmentAndPlan,
            ],
            "{got:?}"
        );
        assert_eq!(got[3].0, "HTN, DM2.");
        assert_eq!(got[10].0, "History of smoking.", "a sentence starting with 'History of' is not a header");
    }
}
