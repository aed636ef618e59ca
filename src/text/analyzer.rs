//! The analyzer: `tokenizers` normalization with alignments, then word tokens cut from the normalized text.
//!
//! Normalization is `tokenizers`' (`NormalizedString` keeps an alignment from every normalized byte to the
//! original, so offsets survive ligatures, full-width forms and combining marks): format characters removed,
//! NFKD, accents stripped, lower case, NFKC. Text that is plain ASCII normalizes to its lower case with an
//! identity alignment, and is lower-cased in place without building the alignment table (a property test
//! checks both paths agree).
//!
//! Tokens are then cut from the normalized text by a single scan rather than by a `tokenizers` pre-tokenizer:
//! its pre-tokenizers build one aligned `NormalizedString` per piece, which measured ~300 µs for a 3 KB note
//! against ~20 µs for the scan, and the whole text stage has a budget of one millisecond. The token rules:
//! 1. a number, kept whole with thousands separators and decimals, and with an ordinal or single-letter suffix
//!    when nothing else follows ("12,400", "2.5", "3b" as in CKD stage 3b, "2nd");
//! 2. a number directly followed by a word is split from it ("10mg" -> "10" "mg");
//! 3. a word: a letter, then letters, marks or digits ("t2dm", "hba1c", "b12");
//! 4. any other single non-space character.
use tokenizers::normalizers::replace::ReplacePattern;
use tokenizers::normalizers::{Lowercase, NFKC, NFKD, Replace, Sequence, StripAccents};
use tokenizers::tokenizer::normalizer::Range;
use tokenizers::{NormalizedString, Normalizer};
use unicode_categories::UnicodeCategories;

use super::sections::HeaderTable;
use super::{CharIndex, Document, Span, Token, TokenKind};
use crate::error::{BuildError, Error, Stage};

/// Normalizer and header table, shared read-only by every request.
pub struct Analyzer {
    normalizer: Sequence,
    headers: HeaderTable,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer")
    }
}

/// The normalized text and how to map its byte ranges back to the original.
enum Normalized {
    /// ASCII input: lower case, same offsets.
    Ascii(String),
    Aligned(NormalizedString),
}

impl Normalized {
    fn text(&self) -> &str {
        match self {
            Normalized::Ascii(s) => s,
            Normalized::Aligned(n) => n.get(),
        }
    }

    /// Original byte range of normalized bytes `b..e`.
    fn original(&self, b: usize, e: usize) -> Option<(usize, usize)> {
        match self {
            Normalized::Ascii(_) => Some((b, e)),
            Normalized::Aligned(n) => n.convert_offsets(Range::Normalized(b..e)).map(|r| (r.start, r.end)),
        }
    }
}

impl Analyzer {
    pub fn new() -> Result<Analyzer, BuildError> {
        let err = |e: Box<dyn std::error::Error + Send + Sync>| BuildError::Text(e.to_string());
        // Format characters (zero-width space, soft hyphen, bidi marks) carry no meaning for matching.
        let strip_format = Replace::new(ReplacePattern::Regex(r"\p{Cf}".into()), "").map_err(err)?;
        let normalizer =
            Sequence::new(vec![strip_format.into(), NFKD.into(), StripAccents.into(), Lowercase.into(), NFKC.into()]);
        Ok(Analyzer { normalizer, headers: HeaderTable::new() })
    }

    fn normalize(&self, text: &str) -> Result<Normalized, Error> {
        if text.is_ascii() {
            return Ok(Normalized::Ascii(text.to_ascii_lowercase()));
        }
        let mut n = NormalizedString::from(text);
        self.normalizer.normalize(&mut n).map_err(|e| Error::Internal {
            stage: Stage::Text,
            // tokenizers' messages describe the pipeline, not the input; keep only the kind of failure.
            reason: format!("normalization failed ({})", e.to_string().chars().take(80).collect::<String>()),
        })?;
        Ok(Normalized::Aligned(n))
    }

    /// Tokenizes a note and finds its sentences and sections. Fails only on an internal error of the
    /// normalizer.
    pub fn analyze<'a>(&self, text: &'a str) -> Result<Document<'a>, Error> {
        let normalized = self.normalize(text)?;
        let norm = normalized.text();
        let index = CharIndex::new(text);
        let mut out = String::with_capacity(norm.len());
        let mut tokens = Vec::with_capacity(norm.len() / 4);
        let mut previous_end = 0usize;
        for (b, e) in scan(norm) {
            let Some((begin, end)) = normalized.original(b, e) else { continue };
            // Alignments land on character boundaries of the original; guard anyway so that a surprise can
            // never produce a span that slices through a character or runs backwards.
            if begin >= end || end > text.len() || begin < previous_end {
                continue;
            }
            if !text.is_char_boundary(begin) || !text.is_char_boundary(end) {
                continue;
            }
            let piece = &norm[b..e];
            let newlines = text[previous_end..begin].bytes().filter(|&c| c == b'\n').count();
            let start = out.len() as u32;
            out.push_str(piece);
            tokens.push(Token {
                norm: (start, out.len() as u32),
                span: Span::new(index.char_at(begin), index.char_at(end)),
                bytes: (begin, end),
                kind: token_kind(piece),
                newlines_before: newlines.min(u16::MAX as usize) as u16,
            });
            previous_end = end;
        }
        let mut doc = Document {
            text,
            normalized: out,
            tokens,
            sentences: Vec::new(),
            sentence_of: Vec::new(),
            section_of: Vec::new(),
            headers: Vec::new(),
            inline_until: Vec::new(),
        };
        doc.structure(&self.headers);
        Ok(doc)
    }

    /// The normalized tokens of a term (a code description, a lexicon entry), exactly as a note containing the
    /// term would be tokenized.
    pub fn terms(&self, text: &str) -> Vec<String> {
        match self.normalize(text) {
            Ok(n) => scan(n.text()).map(|(b, e)| n.text()[b..e].to_string()).collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// Letters, digits and combining marks make words (marks keep scripts that need them whole).
fn is_word_char(c: char) -> bool {
    // ASCII first: nearly every character of a note, and the Unicode tables are a binary search.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || c.is_mark()
}

/// Token byte ranges of a normalized text, in order.
fn scan(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        // Skip whitespace.
        while i < s.len() {
            let c = s[i..].chars().next()?;
            if !c.is_whitespace() {
                break;
            }
            i += c.len_utf8();
        }
        if i >= s.len() {
            return None;
        }
        let start = i;
        let c = s[i..].chars().next()?;
        if c.is_numeric() {
            i = number_end(s, i);
            // Rule 1: suffix "st/nd/rd/th" or one letter, only if no further word characters follow.
            let rest = &s[i..];
            let after = |n: usize| rest[n..].chars().next().is_none_or(|c| !is_word_char(c));
            for suffix in ["st", "nd", "rd", "th"] {
                if rest.starts_with(suffix) && after(suffix.len()) {
                    i += suffix.len();
                    return Some((start, i));
                }
            }
            if let Some(l) = rest.chars().next()
                && l.is_alphabetic()
                && after(l.len_utf8())
            {
                i += l.len_utf8();
                return Some((start, i));
            }
            if rest.chars().next().is_some_and(char::is_numeric) {
                // Digits that are not ASCII: keep the run whole.
                while let Some(c) = s[i..].chars().next().filter(|c| c.is_numeric()) {
                    i += c.len_utf8();
                }
            }
            return Some((start, i));
        }
        if is_word_char(c) && !c.is_numeric() {
            i += c.len_utf8();
            while let Some(c) = s[i..].chars().next().filter(|&c| is_word_char(c)) {
                i += c.len_utf8();
            }
            return Some((start, i));
        }
        i += c.len_utf8();
        Some((start, i))
    })
}

/// End of a number starting at `i`: digits, ",ddd" groups, one ".d+" decimal part.
fn number_end(s: &str, mut i: usize) -> usize {
    let b = s.as_bytes();
    let digits = |mut j: usize| {
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let first = digits(i);
    if first == i {
        // A non-ASCII digit.
        return i + s[i..].chars().next().map_or(1, char::len_utf8);
    }
    i = first;
    // Thousands groups: exactly three digits, not followed by another digit.
    while i + 4 <= b.len()
        && b[i] == b','
        && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
        && (i + 4 == b.len() || !b[i + 4].is_ascii_digit())
    {
        i += 4;
    }
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i = digits(i + 1);
    }
    i
}

fn token_kind(norm: &str) -> TokenKind {
    let first = norm.chars().next().unwrap_or(' ');
    if first.is_numeric() {
        if norm.chars().any(char::is_alphabetic) { TokenKind::Word } else { TokenKind::Number }
    } else if first.is_alphabetic() {
        TokenKind::Word
    } else {
        TokenKind::Punct
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_and_word_boundaries() {
        let a = Analyzer::new().unwrap();
        assert_eq!(a.terms("CKD stage 3b"), ["ckd", "stage", "3b"]);
        assert_eq!(a.terms("2.5mg 10mg"), ["2.5", "mg", "10", "mg"]);
        assert_eq!(a.terms("2nd degree, 12,4000"), ["2nd", "degree", ",", "12", ",", "4000"]);
        assert_eq!(a.terms("COVID-19"), ["covid", "-", "19"]);
        assert_eq!(a.terms("HbA1c 7.2%"), ["hba1c", "7.2", "%"]);
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use proptest::prelude::*;

    /// Tokens of ASCII text through the full `tokenizers` normalizer, bypassing the ASCII fast path.
    fn aligned_tokens(a: &Analyzer, text: &str) -> Vec<(String, usize, usize)> {
        let mut n = NormalizedString::from(text);
        a.normalizer.normalize(&mut n).unwrap();
        let norm = Normalized::Aligned(n);
        scan(norm.text())
            .filter_map(|(b, e)| norm.original(b, e).map(|(ob, oe)| (norm.text()[b..e].to_string(), ob, oe)))
            .collect()
    }

    proptest! {
        #[test]
        fn ascii_fast_path_matches_the_tokenizers_normalizer(text in "[ -~\n\t]{0,200}") {
            let a = Analyzer::new().unwrap();
            let doc = a.analyze(&text).unwrap();
            let fast: Vec<(String, usize, usize)> =
                (0..doc.tokens().len()).map(|i| (doc.norm(i).to_string(), doc.tokens()[i].bytes.0, doc.tokens()[i].bytes.1)).collect();
            prop_assert_eq!(fast, aligned_tokens(&a, &text));
        }
    }
}
