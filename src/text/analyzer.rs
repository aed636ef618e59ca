//! The `tokenizers` pipeline behind [`Document`]: one normalizer and one pre-tokenizer, built once.
use tokenizers::normalizers::replace::ReplacePattern;
use tokenizers::normalizers::{Lowercase, NFKC, NFKD, Replace, Sequence, StripAccents};
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{Normalizer, OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer, SplitDelimiterBehavior};

use super::sections::HeaderTable;
use super::{CharIndex, Document, Span, Token, TokenKind};
use crate::error::{BuildError, Error, Stage};

/// What counts as a token, tried in order (Oniguruma syntax, applied to normalized text):
/// 1. a number, kept whole with thousands separators and decimals, and with an ordinal or single-letter suffix
///    when nothing else follows ("12,400", "2.5", "3b" as in CKD stage 3b, "2nd");
/// 2. a number directly followed by a word, split from it ("10mg" -> "10" "mg");
/// 3. a word: letters, then letters or digits ("t2dm", "hba1c", "b12");
/// 4. any other single non-space character.
const TOKEN_PATTERN: &str = concat!(
    r"(?>\p{N}+(?:,\p{N}{3})*(?:\.\p{N}+)?)(?:st|nd|rd|th|\p{L})?(?![\p{L}\p{M}\p{N}])",
    r"|\p{N}+(?:\.\p{N}+)?",
    r"|[\p{L}\p{M}][\p{L}\p{M}\p{N}]*",
    r"|[^\s\p{L}\p{M}\p{N}]",
);

/// Normalizer and pre-tokenizer, shared read-only by every request.
pub struct Analyzer {
    normalizer: Sequence,
    splitter: Split,
    headers: HeaderTable,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer")
    }
}

impl Analyzer {
    pub fn new() -> Result<Analyzer, BuildError> {
        let err = |e: Box<dyn std::error::Error + Send + Sync>| BuildError::Text(e.to_string());
        // Format characters (zero-width space, soft hyphen, bidi marks) carry no meaning for matching.
        let strip_format = Replace::new(ReplacePattern::Regex(r"\p{Cf}".into()), "").map_err(err)?;
        let normalizer =
            Sequence::new(vec![strip_format.into(), NFKD.into(), StripAccents.into(), Lowercase.into(), NFKC.into()]);
        let splitter = Split::new(SplitPattern::Regex(TOKEN_PATTERN.into()), SplitDelimiterBehavior::Removed, true)
            .map_err(err)?;
        Ok(Analyzer { normalizer, splitter, headers: HeaderTable::new() })
    }

    /// Tokenizes a note. Fails only on an internal error of the tokenizers pipeline.
    pub fn analyze<'a>(&self, text: &'a str) -> Result<Document<'a>, Error> {
        let internal = |e: Box<dyn std::error::Error + Send + Sync>| Error::Internal {
            stage: Stage::Text,
            // tokenizers' messages describe the pipeline, not the input; still, keep only the kind of failure.
            reason: format!("tokenizers pipeline failed ({})", e.to_string().chars().take(80).collect::<String>()),
        };
        let mut pre = PreTokenizedString::from(text);
        pre.normalize(|n| self.normalizer.normalize(n)).map_err(internal)?;
        self.splitter.pre_tokenize(&mut pre).map_err(internal)?;

        let index = CharIndex::new(text);
        let splits = pre.get_splits(OffsetReferential::Original, OffsetType::Byte);
        let mut normalized = String::with_capacity(text.len());
        let mut tokens = Vec::with_capacity(splits.len());
        let mut previous_end = 0usize;
        for (norm, (begin, end), _) in splits {
            if norm.is_empty() || begin >= end || end > text.len() {
                continue;
            }
            // Alignments always land on character boundaries of the original; guard anyway so that a surprise
            // can never produce a span that slices through a character.
            if !text.is_char_boundary(begin) || !text.is_char_boundary(end) || begin < previous_end {
                continue;
            }
            let newlines = text[previous_end..begin].bytes().filter(|&b| b == b'\n').count();
            let kind = token_kind(norm);
            let start = normalized.len() as u32;
            normalized.push_str(norm);
            tokens.push(Token {
                norm: (start, normalized.len() as u32),
                span: Span::new(index.char_at(begin), index.char_at(end)),
                bytes: (begin, end),
                kind,
                newlines_before: newlines.min(u16::MAX as usize) as u16,
            });
            previous_end = end;
        }
        let mut doc = Document {
            text,
            normalized,
            tokens,
            sentences: Vec::new(),
            sentence_of: Vec::new(),
            section_of: Vec::new(),
            headers: Vec::new(),
        };
        doc.structure(&self.headers);
        Ok(doc)
    }

    /// The normalized tokens of a term (a code description, a lexicon entry), exactly as a note containing the
    /// term would be tokenized.
    pub fn terms(&self, text: &str) -> Vec<String> {
        match self.analyze(text) {
            Ok(doc) => (0..doc.tokens().len()).map(|i| doc.norm(i).to_string()).collect(),
            Err(_) => Vec::new(),
        }
    }
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
