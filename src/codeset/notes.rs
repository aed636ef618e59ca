//! Instructional notes of the tabular list, and the code references written inside them.
//!
//! Coders read notes as text ("Excludes1: combined systolic and diastolic heart failure (I50.4-)"), while the
//! coding rules need the references as data. Each [`Note`] keeps the text exactly as published and the
//! [`CodeRef`]s parsed out of it. Reference syntax in the tabular: a code ("I11.0"), a code with a dash meaning
//! "and everything below" ("I50.4-", "Z16.-"), a range ("O00-O07", "S06.1- to S06.6-"), lists of these.
use serde::Serialize;

/// The kinds of instructional note, in the order coders read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Synonyms and conditions classified to the code ("inclusionTerm").
    InclusionTerm,
    /// "Includes": further defines the content of a category.
    Includes,
    /// "Excludes1": never coded together with this code.
    Excludes1,
    /// "Excludes2": not part of this code, but both may be coded.
    Excludes2,
    /// "Code first": the underlying condition is sequenced before this one.
    CodeFirst,
    /// "Use additional code": a companion code is added after this one.
    UseAdditionalCode,
    /// "Code also": another code may be needed; sequencing depends on the circumstances.
    CodeAlso,
    /// Other notes ("A fracture not indicated as open or closed should be coded to closed").
    Note,
    /// The note that announces a 7th-character table.
    SevenCharacterNote,
}

impl NoteKind {
    pub const ALL: [NoteKind; 9] = [
        NoteKind::InclusionTerm,
        NoteKind::Includes,
        NoteKind::Excludes1,
        NoteKind::Excludes2,
        NoteKind::CodeFirst,
        NoteKind::UseAdditionalCode,
        NoteKind::CodeAlso,
        NoteKind::Note,
        NoteKind::SevenCharacterNote,
    ];

    /// The snake_case name used in JSON and gRPC.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::InclusionTerm => "inclusion_term",
            NoteKind::Includes => "includes",
            NoteKind::Excludes1 => "excludes1",
            NoteKind::Excludes2 => "excludes2",
            NoteKind::CodeFirst => "code_first",
            NoteKind::UseAdditionalCode => "use_additional_code",
            NoteKind::CodeAlso => "code_also",
            NoteKind::Note => "note",
            NoteKind::SevenCharacterNote => "seven_character_note",
        }
    }

    /// The heading a coder sees in the tabular ("Excludes1:").
    pub fn heading(self) -> &'static str {
        match self {
            NoteKind::InclusionTerm => "Inclusion terms",
            NoteKind::Includes => "Includes",
            NoteKind::Excludes1 => "Excludes1",
            NoteKind::Excludes2 => "Excludes2",
            NoteKind::CodeFirst => "Code first",
            NoteKind::UseAdditionalCode => "Use additional code",
            NoteKind::CodeAlso => "Code also",
            NoteKind::Note => "Note",
            NoteKind::SevenCharacterNote => "7th character",
        }
    }

    /// The tabular XML element that holds notes of this kind.
    pub(crate) fn from_element(name: &[u8]) -> Option<NoteKind> {
        Some(match name {
            b"inclusionTerm" => NoteKind::InclusionTerm,
            b"includes" => NoteKind::Includes,
            b"excludes1" => NoteKind::Excludes1,
            b"excludes2" => NoteKind::Excludes2,
            b"codeFirst" => NoteKind::CodeFirst,
            b"useAdditionalCode" => NoteKind::UseAdditionalCode,
            b"codeAlso" => NoteKind::CodeAlso,
            b"notes" => NoteKind::Note,
            b"sevenChrNote" => NoteKind::SevenCharacterNote,
            _ => return None,
        })
    }
}

/// One instructional note: the published text and the code references in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<CodeRef>,
}

impl Note {
    pub fn new(kind: NoteKind, text: String) -> Note {
        let refs = CodeRef::parse_all(&text);
        Note { kind, text, refs }
    }

    /// True when a reference in this note covers `code` (dotted or not).
    pub fn refers_to(&self, code: &str) -> bool {
        self.refs.iter().any(|r| r.covers(code))
    }
}

/// A reference to a code or a range of codes, inclusive, each end standing for itself and everything below it.
/// Stored without dots, upper case: "I504" for "I50.4-".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeRef {
    pub first: String,
    pub last: String,
}

impl CodeRef {
    /// Does this reference cover `code` (e.g. "I50.43" is covered by "I50.4-")?
    pub fn covers(&self, code: &str) -> bool {
        // The code without its dot, upper case, cut to each bound's length, compared as strings are; done on
        // bytes without allocating, since the coding rules ask this for every pair of candidates and notes.
        let cut_cmp = |bound: &str| -> std::cmp::Ordering {
            let key = code.bytes().filter(|&b| b != b'.').map(|b| b.to_ascii_uppercase()).take(bound.len());
            key.cmp(bound.bytes())
        };
        cut_cmp(&self.first).is_ge() && cut_cmp(&self.last).is_le()
    }

    /// Every reference in a note's text, in order.
    pub fn parse_all(text: &str) -> Vec<CodeRef> {
        let bytes = text.as_bytes();
        let mut refs = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            // A code starts at a word boundary.
            if i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let Some((first, mut end)) = scan_code(bytes, i) else {
                i += 1;
                continue;
            };
            let mut last = first.clone();
            // Range forms: "O00-O07" and "S06.1- to S06.6-".
            let rest = &text[end..];
            let range_start = if rest.starts_with('-') && !rest[1..].starts_with(' ') {
                Some(end + 1)
            } else if rest.starts_with(" to ") {
                Some(end + 4)
            } else if rest.starts_with("- to ") {
                Some(end + 5)
            } else {
                None
            };
            if let Some(start) = range_start
                && let Some((second, second_end)) = scan_code(bytes, start)
            {
                last = second;
                end = second_end;
            }
            refs.push(CodeRef { first, last });
            i = end.max(i + 1);
        }
        refs
    }
}

/// Scans one ICD-10-CM code at `i`: letter, digit, alphanumeric, then optionally "." and up to four
/// alphanumerics; a trailing "-" or ".-" is consumed. Returns the code without dot or dash, and the end index.
fn scan_code(b: &[u8], i: usize) -> Option<(String, usize)> {
    let is_code_char = |c: u8| c.is_ascii_digit() || c.is_ascii_uppercase();
    if i + 3 > b.len() || !b[i].is_ascii_uppercase() || !b[i + 1].is_ascii_digit() || !is_code_char(b[i + 2]) {
        return None;
    }
    let mut code = String::from_utf8_lossy(&b[i..i + 3]).into_owned();
    let mut j = i + 3;
    if j < b.len() && b[j] == b'.' {
        let mut k = j + 1;
        while k < b.len() && k - j <= 4 && is_code_char(b[k]) {
            k += 1;
        }
        if k > j + 1 {
            code.push_str(&String::from_utf8_lossy(&b[j + 1..k]));
            j = k;
        } else if k < b.len() && b[k] == b'-' {
            // "Z16.-"
            j = k;
        }
    }
    // Reject words that merely start like a code ("A1c" in prose is not a reference).
    if j < b.len() && b[j].is_ascii_alphanumeric() {
        return None;
    }
    if j < b.len() && b[j] == b'-' && (j + 1 == b.len() || !is_code_char(b[j + 1])) {
        j += 1;
    }
    Some((code, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<(String, String)> {
        CodeRef::parse_all(text).into_iter().map(|r| (r.first, r.last)).collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn parses_reference_forms() {
        assert_eq!(refs("heart failure due to hypertension (I11.0)"), vec![pair("I110", "I110")]);
        assert_eq!(refs("combined heart failure (I50.4-)"), vec![pair("I504", "I504")]);
        assert_eq!(refs("resistance to antimicrobial drugs (Z16.-)"), vec![pair("Z16", "Z16")]);
        assert_eq!(
            refs("complicating abortion or ectopic or molar pregnancy (O00-O07, O08.8)"),
            vec![pair("O00", "O07"), pair("O088", "O088")]
        );
        assert_eq!(refs("classified in subcategories S06.1- to S06.6-, and"), vec![pair("S061", "S066")]);
        assert_eq!(refs("no codes here, HbA1c and type 2"), vec![]);
    }

    #[test]
    fn coverage_includes_descendants() {
        let r = &CodeRef::parse_all("(I50.4-)")[0];
        assert!(r.covers("I50.43"));
        assert!(r.covers("I50.4"));
        assert!(!r.covers("I50.3"));
        let range = &CodeRef::parse_all("(O00-O07)")[0];
        assert!(range.covers("O03.9"));
        assert!(!range.covers("O08.8"));
    }
}
