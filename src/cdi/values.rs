//! Reading measured values from a note: "Na 128", "sodium of 128 mmol/L", "BMI: 41.2", "WBC 15,200",
//! "Temp 101.8 F", a table row "Sodium | 128 | mmol/L", a trend "creatinine rose from 1.0 to 1.6".
//!
//! A value is read after an analyte's name, over at most a few filler tokens (punctuation, "of", "was", "level",
//! "on admission", ...), in the same sentence. What makes the reading safe:
//! * a number right after "<" or ">" is a goal or a reference limit ("keep K > 4"), not a result;
//! * a number followed by a time or dose unit ("48 hours", "40 mg") is not the analyte's value;
//! * values outside the analyte's plausible range are misreads and dropped, after converting the units notes use
//!   instead (g/L, cells/uL, umol/L, Fahrenheit), so "Hb 92 g/L" reads as 9.2 g/dL and "T 101.8" as 38.8 C.
//!
//! Offsets: a measurement's span covers the analyte's name through the value (and its unit when written), in
//! characters of the original note, so the evidence a CDI specialist sees is exactly what was written; the later
//! values of a series cover the value alone.
//!
//! Not read: values in a table whose names and values sit on different rows (a header row "Na K Cl" above a row
//! of numbers); the note must name the analyte next to its value.
use std::collections::HashSet;

use crate::text::{Document, Span, TokenKind};

/// An analyte as the rules file defines it.
#[derive(Debug, Clone)]
pub struct Analyte {
    pub name: String,
    pub label: String,
    /// Each alias as its normalized words.
    pub aliases: Vec<Vec<String>>,
    pub unit: String,
    pub range: (f64, f64),
    pub scale: Option<Scale>,
    pub series: bool,
}

/// A unit conversion applied to values above `above`.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub above: f64,
    pub divide: Option<f64>,
    pub fahrenheit: bool,
}

/// One value read from the note.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Index of the analyte in the rules' analyte list.
    pub analyte: usize,
    /// In the analyte's unit.
    pub value: f64,
    /// The number as written ("1.0", "95" for "Hb 95 g/L", "14,900").
    pub written: String,
    /// A unit conversion changed the value (g/L to g/dL, cells/uL to 10^3/uL, Fahrenheit to Celsius).
    pub converted: bool,
    /// Name through value, in characters of the note.
    pub span: Span,
    /// Byte range of the same text.
    pub bytes: (usize, usize),
    /// The sentence states the patient was on room air (for oxygen saturation).
    pub room_air: bool,
    /// Token of the value (for order: values are compared in the order written).
    pub token: usize,
    /// Stated as the baseline ("creatinine 2.1, baseline 1.0"): earlier than any other value, wherever written.
    pub baseline: bool,
}

/// Words that may stand between an analyte's name and its value.
const FILLERS: &[&str] = &[
    "of",
    "was",
    "were",
    "is",
    "are",
    "at",
    "level",
    "levels",
    "count",
    "value",
    "values",
    "measured",
    "serum",
    "blood",
    "on",
    "admission",
    "initially",
    "initial",
    "now",
    "today",
    "rose",
    "rising",
    "risen",
    "increased",
    "increasing",
    "decreased",
    "decreasing",
    "fell",
    "dropped",
    "from",
    "to",
    "up",
    "down",
    "peaked",
    "peak",
    "baseline",
    "of",
    "noted",
    "found",
    "with",
    "a",
    "an",
    "the",
    "recent",
    "repeat",
    "latest",
    "last",
    "result",
    "results",
];

/// Tokens after a number that make it something other than the analyte's value.
const FOREIGN_UNITS: &[&str] = &[
    "hours", "hour", "hrs", "hr", "h", "days", "day", "d", "weeks", "week", "wk", "months", "month", "years", "year",
    "yo", "mg", "mcg", "g", "kg", "lb", "lbs", "ml", "units", "times", "minutes", "min", "am", "pm", "l", "liters",
    "lpm",
];

/// How far past the name (tokens) a value may be.
const REACH: usize = 5;

/// Every value the note states for the given analytes; `firsts` holds the first word of every alias (most
/// tokens are not one, and are passed over with one lookup).
pub fn read(doc: &Document<'_>, analytes: &[Analyte], firsts: &HashSet<String>) -> Vec<Measurement> {
    let n = doc.tokens().len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let Some((a, len)) = name_at(doc, analytes, firsts, i) else {
            i += 1;
            continue;
        };
        let analyte = &analytes[a];
        let sentence = doc.sentence_of(i);
        let room_air = analyte.name == "spo2" && room_air_in(doc, sentence.first, sentence.last);
        let mut j = i + len;
        let mut skipped = 0;
        let mut read_any = false;
        while j < sentence.last && skipped <= REACH {
            if j > i + len && name_at(doc, analytes, firsts, j).is_some() {
                break;
            }
            let tok = &doc.tokens()[j];
            if tok.kind == TokenKind::Number {
                // "< 4" is a goal or a limit; "day 2", "POD 3", "x 2" number something else.
                let comparison = j > 0
                    && matches!(
                        doc.norm(j - 1),
                        "<" | ">" | "=<" | ">=" | "day" | "days" | "pod" | "hd" | "week" | "hour" | "x" | "#" | "grade"
                    );
                // "40 mg" is a dose, "40 mg/dL" a concentration.
                let foreign = j + 1 < sentence.last
                    && FOREIGN_UNITS.contains(&doc.norm(j + 1))
                    && !(j + 2 < sentence.last && doc.norm(j + 2) == "/");
                if !comparison
                    && !foreign
                    && let Some(value) = parse_number(doc.original(j)).and_then(|v| convert(analyte, v))
                {
                    // The first value's evidence starts at the name; later values of a series are cited on
                    // their own ("1.9" in "creatinine 1.1 on admission, 1.9 today").
                    let end = unit_end(doc, j, sentence.last);
                    let from = if read_any { j } else { i };
                    let span = doc.span_of(from, end);
                    let bytes = (doc.tokens()[from].bytes.0, doc.tokens()[end - 1].bytes.1);
                    let baseline = (j.saturating_sub(3)..j).any(|k| doc.norm(k) == "baseline");
                    let written = doc.original(j).to_string();
                    let converted = parse_number(&written).is_some_and(|raw| (raw - value).abs() > 0.006);
                    out.push(Measurement {
                        analyte: a,
                        value,
                        written,
                        converted,
                        span,
                        bytes,
                        room_air,
                        token: j,
                        baseline,
                    });
                    read_any = true;
                    if !analyte.series {
                        break;
                    }
                }
                skipped = 0;
                j += 1;
                continue;
            }
            let word = doc.norm(j);
            let filler = tok.kind == TokenKind::Punct || FILLERS.contains(&word) || (read_any && analyte.series);
            if !filler {
                break;
            }
            skipped += 1;
            j += 1;
        }
        i += len;
    }
    out
}

/// The analyte whose alias starts at token `i`, and the alias's length in tokens (the longest alias wins).
fn name_at(doc: &Document<'_>, analytes: &[Analyte], firsts: &HashSet<String>, i: usize) -> Option<(usize, usize)> {
    if !firsts.contains(doc.norm(i)) {
        return None;
    }
    let n = doc.tokens().len();
    let mut best: Option<(usize, usize)> = None;
    for (a, analyte) in analytes.iter().enumerate() {
        for alias in &analyte.aliases {
            let len = alias.len();
            if i + len <= n
                && alias.iter().enumerate().all(|(k, w)| doc.norm(i + k) == w)
                && best.is_none_or(|(_, l)| len > l)
            {
                best = Some((a, len));
            }
        }
    }
    best
}

fn room_air_in(doc: &Document<'_>, first: usize, last: usize) -> bool {
    (first..last).any(|k| {
        let w = doc.norm(k);
        w == "ra" || (w == "room" && k + 1 < last && doc.norm(k + 1) == "air")
    })
}

/// "128", "1,200", "15.2"; a leading sign or trailing symbols are separate tokens.
fn parse_number(text: &str) -> Option<f64> {
    let digits: String = text.chars().filter(|c| *c != ',').collect();
    digits.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The value in the analyte's unit, or `None` when it is not plausible.
fn convert(analyte: &Analyte, value: f64) -> Option<f64> {
    let mut v = value;
    if let Some(scale) = analyte.scale
        && v > scale.above
    {
        if let Some(d) = scale.divide {
            v /= d;
        }
        if scale.fahrenheit {
            v = (v - 32.0) * 5.0 / 9.0;
        }
    }
    let (lo, hi) = analyte.range;
    (lo..=hi).contains(&v).then_some((v * 100.0).round() / 100.0)
}

/// The token after the value's unit, when one is written right after it ("128 mmol/L", "98 %", "38.5 C").
fn unit_end(doc: &Document<'_>, value: usize, last: usize) -> usize {
    let mut end = value + 1;
    let mut k = value + 1;
    while k < last && k <= value + 5 {
        let w = doc.norm(k);
        let unit_like = matches!(
            w,
            "mmol"
                | "meq"
                | "mg"
                | "g"
                | "dl"
                | "l"
                | "ul"
                | "mm3"
                | "kg"
                | "m2"
                | "%"
                | "/"
                | "c"
                | "f"
                | "°"
                | "bpm"
                | "x10"
                | "10"
                | "^"
                | "9"
                | "3"
                | "umol"
                | "µmol"
                | "mcl"
        );
        if doc.tokens()[k].newlines_before > 0 {
            break;
        }
        // A table cell border before the unit ("128 | mmol/L").
        if w == "|" && k == value + 1 {
            k += 1;
            continue;
        }
        if !unit_like {
            break;
        }
        end = k + 1;
        k += 1;
    }
    end
}
