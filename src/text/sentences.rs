//! Sentences and list items: the units within which modifiers attach to a condition and negation scopes run.
//!
//! Clinical text breaks the usual rules. Periods end abbreviations ("Dr.", "Pt.", "b.i.d.", "q.4h.", "e.g.")
//! and list numbers ("1."), decimals are inside tokens already ("2.5 mg"), templated notes break lines in the
//! middle of sentences, and lists carry one item per line with or without a bullet. The rules, in order:
//! * a blank line, a section header, or a line starting with a bullet or a list number starts a new unit;
//! * a single line break starts a new unit unless the line before ends mid-phrase and the new line continues in
//!   lower case (a wrapped line);
//! * `.`, `!`, `?` end a unit unless the period follows an abbreviation or a single letter (initials,
//!   "b.i.d."), or the next token continues in lower case.
use super::{Document, TokenKind};

/// Abbreviations whose period does not end a sentence (normalized, without the period).
const ABBREVIATIONS: &[&str] = &[
    "dr", "drs", "mr", "mrs", "ms", "pt", "pts", "vs", "etc", "approx", "appt", "dept", "no", "nos", "st", "jr", "sr",
    "fig", "hx", "dx", "tx", "rx", "sx", "fx", "bid", "tid", "qid", "qd", "qhs", "prn", "po", "iv", "im", "sq", "subq",
    "mg", "mcg", "ml", "cm", "mm", "kg", "lb", "lbs", "oz", "hr", "hrs", "min", "mins", "sec", "wk", "wks", "mo",
    "mos", "yr", "yrs", "y.o", "yo", "inc", "ltd", "co", "corp", "univ", "vol", "resp", "temp", "abd", "ext", "neg",
    "pos", "approx", "avg", "max", "cf", "al", "ca", "dept", "gen", "gm", "hosp", "lt", "rt", "sat", "wt", "ht",
];

/// A sentence or list item: tokens `first..last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub first: usize,
    pub last: usize,
}

/// What the splitter reads of a document.
pub(crate) struct TokenView<'d, 'a> {
    doc: &'d Document<'a>,
    n: usize,
}

impl<'d, 'a> TokenView<'d, 'a> {
    pub(crate) fn new(doc: &'d Document<'a>) -> Self {
        TokenView { doc, n: doc.tokens.len() }
    }
    fn norm(&self, i: usize) -> &str {
        self.doc.norm(i)
    }
    fn original(&self, i: usize) -> &str {
        self.doc.original(i)
    }
    fn kind(&self, i: usize) -> TokenKind {
        self.doc.tokens[i].kind
    }
    fn newlines_before(&self, i: usize) -> u16 {
        self.doc.tokens[i].newlines_before
    }
}

fn is_bullet(s: &str) -> bool {
    matches!(s, "-" | "*" | "•" | "·" | "‣" | "◦" | "▪" | "–" | "—" | "o")
}

fn starts_upper_or_digit(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric())
}

fn starts_lower(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

/// Is token `i` (at the start of a line) a list marker: a bullet, or "1." / "1)" / "(1)" / "a)"?
fn is_list_marker(v: &TokenView<'_, '_>, i: usize) -> bool {
    let t = v.norm(i);
    if is_bullet(t) && v.original(i) != "o" {
        return true;
    }
    if t == "(" && i + 2 < v.n && v.norm(i + 2) == ")" {
        return true;
    }
    let numeric_or_letter = v.kind(i) == TokenKind::Number || (t.len() == 1 && t.chars().all(char::is_alphabetic));
    numeric_or_letter && i + 1 < v.n && matches!(v.norm(i + 1), "." | ")") && v.newlines_before(i + 1) == 0
}

/// Splits tokens into sentences. `header_starts` are tokens that begin a section header.
pub(crate) fn split(v: &TokenView<'_, '_>, header_starts: &[usize]) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    if v.n == 0 {
        return sentences;
    }
    let mut start = 0;
    let mut headers = header_starts.iter().peekable();
    for i in 1..v.n {
        while headers.peek().is_some_and(|&&h| h < i) {
            headers.next();
        }
        let boundary = if headers.peek().is_some_and(|&&h| h == i) || v.newlines_before(i) >= 2 {
            true
        } else if v.newlines_before(i) == 1 {
            line_break_ends(v, i)
        } else {
            punctuation_ends(v, i) || inline_list_item(v, i)
        };
        if boundary {
            sentences.push(Sentence { first: start, last: i });
            start = i;
        }
    }
    sentences.push(Sentence { first: start, last: v.n });
    sentences
}

/// A single line break before token `i`: a new unit unless the text is a wrapped line continuing in lower case.
fn line_break_ends(v: &TokenView<'_, '_>, i: usize) -> bool {
    if is_list_marker(v, i) {
        return true;
    }
    let prev = v.norm(i - 1);
    if matches!(prev, "." | "!" | "?" | ":" | ";") {
        return true;
    }
    let next = v.original(i);
    // A wrapped line continues in lower case, or with a connecting symbol.
    !(starts_lower(next) || matches!(next, "(" | "," | "/" | "%" | "&"))
}

/// "1) Severe esophagitis 2) Large hiatal hernia": a small number and ")" inside a line start a new item.
fn inline_list_item(v: &TokenView<'_, '_>, i: usize) -> bool {
    let t = v.norm(i);
    v.kind(i) == TokenKind::Number
        && t.len() <= 2
        && i + 1 < v.n
        && v.norm(i + 1) == ")"
        && v.newlines_before(i + 1) == 0
        && v.norm(i - 1) != "("
}

/// Token `i` follows `.`, `!` or `?` on the same line?
fn punctuation_ends(v: &TokenView<'_, '_>, i: usize) -> bool {
    let prev = v.norm(i - 1);
    if !matches!(prev, "." | "!" | "?") {
        return false;
    }
    let next = v.original(i);
    if prev != "." {
        return !starts_lower(next);
    }
    // A list number's period ("1. Hypertension") at the start of a unit.
    if i >= 2 && v.kind(i - 2) == TokenKind::Number && (i == 2 || v.newlines_before(i - 2) > 0) {
        return false;
    }
    if i >= 2 {
        let before = v.norm(i - 2);
        let single_letter = before.chars().count() == 1 && before.chars().all(char::is_alphabetic);
        if single_letter || ABBREVIATIONS.contains(&before) {
            // "Dr. Smith", "b.i.d. for pain": the period belongs to the abbreviation, unless what follows
            // clearly starts a new sentence after a dosing abbreviation ("... b.i.d. He reports ...").
            return single_letter && is_dosing_tail(v, i) && starts_upper_or_digit(next) && !is_title(before);
        }
    }
    !starts_lower(next)
}

/// "b.i.d." / "q.4h." / "t.i.d.": a run of letter-period pairs ending at token `i - 1`.
fn is_dosing_tail(v: &TokenView<'_, '_>, i: usize) -> bool {
    i >= 4 && v.norm(i - 3) == "." && v.norm(i - 4).chars().count() <= 2
}

fn is_title(s: &str) -> bool {
    matches!(s, "dr" | "mr" | "mrs" | "ms")
}
