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
//! Invariant: for every token, `&text[token.bytes]` is a non-empty slice on character boundaries, and
//! `token.span` counts the same characters. Tokens are in text order and do not overlap.
mod analyzer;

pub use analyzer::Analyzer;

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

/// A note split into tokens, borrowing the original text.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    text: &'a str,
    normalized: String,
    tokens: Vec<Token>,
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
