//! Clinical indicators without a diagnosis: the rules of `models/cdi/indicators.toml` over the values and
//! phrases of one note.
//!
//! A rule fires when at least `min` of its criteria hold, any `requires` code is suggested, and none of its
//! `documented_by` codes is suggested or set aside for a reason other than negation, a relative or a hypothetical
//! (a diagnosis that is documented but set aside, say as integral to another, still answers the indicator).
//! Each criterion cites the value or phrase that met it, so the query can name the indicators.
use serde::Deserialize;

use super::values::{Analyte, Measurement, Scale};
use crate::codeset::CodeSet;
use crate::context::ContextMap;
use crate::error::BuildError;
use crate::text::{Analyzer, Document, Span};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    analyte: Vec<AnalyteEntry>,
    rule: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnalyteEntry {
    name: String,
    label: String,
    aliases: Vec<String>,
    unit: String,
    range: (f64, f64),
    scale: Option<ScaleEntry>,
    #[serde(default)]
    series: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleEntry {
    above: f64,
    divide: Option<f64>,
    #[serde(default)]
    fahrenheit: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    id: String,
    condition: String,
    criteria: Vec<String>,
    #[serde(default = "one")]
    min: usize,
    #[serde(default)]
    requires: Vec<String>,
    documented_by: Vec<String>,
    suggests: String,
    options: Vec<String>,
    source: String,
}

fn one() -> usize {
    1
}

/// A comparison of a value with a threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Lt => value < threshold,
            Op::Le => value <= threshold,
            Op::Gt => value > threshold,
            Op::Ge => value >= threshold,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Op::Lt => "below",
            Op::Le => "at or below",
            Op::Gt => "above",
            Op::Ge => "at or above",
        }
    }
}

#[derive(Debug, Clone)]
enum Criterion {
    /// A value of the analyte compares with the threshold. `room_air`: only values stated on room air.
    Value { analyte: usize, op: Op, threshold: f64, room_air: bool },
    /// A later value exceeds an earlier one by at least this much.
    Rise { analyte: usize, by: f64 },
    /// A later value is at least this multiple of an earlier one.
    Ratio { analyte: usize, times: f64 },
    /// One of the phrases (normalized words), asserted.
    Term { phrases: Vec<Vec<String>> },
}

/// One rule of the file.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub condition: String,
    criteria: Vec<Criterion>,
    min: usize,
    pub requires: Vec<String>,
    pub documented_by: Vec<String>,
    pub suggests: String,
    pub options: Vec<String>,
    pub source: String,
}

/// What met one criterion: a sentence for the query and the span to cite.
#[derive(Debug, Clone)]
pub struct Finding {
    pub text: String,
    pub span: Span,
    pub bytes: (usize, usize),
    /// The evidence as another stage reported it (a documented diagnosis), instead of `bytes` of the note.
    pub evidence: Option<crate::suggestion::Evidence>,
}

/// The parsed rules file.
#[derive(Debug, Clone)]
pub struct IndicatorRules {
    pub analytes: Vec<Analyte>,
    /// The first word of every analyte alias, so that reading values passes over other tokens with one lookup.
    pub first_words: std::collections::HashSet<String>,
    pub rules: Vec<Rule>,
}

impl IndicatorRules {
    /// Parses `(file name, TOML text)`; every `suggests` code must be in the code set.
    pub fn parse(file: &str, text: &str, analyzer: &Analyzer, codes: &CodeSet) -> Result<IndicatorRules, BuildError> {
        let err = |line: usize, reason: String| BuildError::DataFile { file: file.to_string(), line, reason };
        let parsed: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| text[..s.start].lines().count().max(1));
            err(line, e.message().to_string())
        })?;
        let words = |phrase: &str| -> Result<Vec<String>, BuildError> {
            let doc = analyzer.analyze(phrase).map_err(|e| err(1, e.to_string()))?;
            Ok((0..doc.tokens().len()).map(|i| doc.norm(i).to_string()).collect())
        };
        let mut analytes = Vec::new();
        for a in parsed.analyte {
            let aliases = a.aliases.iter().map(|s| words(s)).collect::<Result<Vec<_>, _>>()?;
            if aliases.iter().any(Vec::is_empty) || a.range.0 >= a.range.1 {
                return Err(err(1, format!("analyte {:?}: empty alias or empty range", a.name)));
            }
            let scale = a.scale.map(|s| Scale { above: s.above, divide: s.divide, fahrenheit: s.fahrenheit });
            analytes.push(Analyte {
                name: a.name,
                label: a.label,
                aliases,
                unit: a.unit,
                range: a.range,
                scale,
                series: a.series,
            });
        }
        let mut rules = Vec::new();
        for r in parsed.rule {
            let rule_err = |reason: String| err(1, format!("rule {:?}: {reason}", r.id));
            let criteria = r
                .criteria
                .iter()
                .map(|c| criterion(c, &analytes, &words).map_err(|e| rule_err(format!("criterion {c:?}: {e}"))))
                .collect::<Result<Vec<_>, _>>()?;
            if r.min == 0 || r.min > criteria.len() {
                return Err(rule_err(format!("min {} with {} criteria", r.min, criteria.len())));
            }
            if codes.get(&r.suggests).is_none() {
                return Err(rule_err(format!("suggests {} is not in {}", r.suggests, codes.version())));
            }
            if r.options.is_empty() || r.documented_by.is_empty() {
                return Err(rule_err("needs options and documented_by".into()));
            }
            rules.push(Rule {
                id: r.id,
                condition: r.condition,
                criteria,
                min: r.min,
                requires: r.requires,
                documented_by: r.documented_by,
                suggests: r.suggests,
                options: r.options,
                source: r.source,
            });
        }
        let first_words = analytes.iter().flat_map(|a| a.aliases.iter().map(|al| al[0].clone())).collect();
        Ok(IndicatorRules { analytes, first_words, rules })
    }
}

fn criterion(
    text: &str,
    analytes: &[Analyte],
    words: &dyn Fn(&str) -> Result<Vec<String>, BuildError>,
) -> Result<Criterion, String> {
    if let Some(rest) = text.strip_prefix("term:") {
        let phrases =
            rest.split('|').map(|p| words(p.trim()).map_err(|e| e.to_string())).collect::<Result<Vec<_>, _>>()?;
        if phrases.iter().any(Vec::is_empty) {
            return Err("an empty phrase".into());
        }
        return Ok(Criterion::Term { phrases });
    }
    let parts: Vec<&str> = text.split_whitespace().collect();
    let (name, room_air) = match parts.first() {
        Some(n) => n.strip_suffix("_room_air").map_or((*n, false), |n| (n, true)),
        None => return Err("empty".into()),
    };
    let analyte = analytes.iter().position(|a| a.name == name).ok_or_else(|| format!("unknown analyte {name}"))?;
    let number = |s: &str| s.parse::<f64>().map_err(|_| format!("{s:?} is not a number"));
    let op = |s: &str| match s {
        "<" => Ok(Op::Lt),
        "<=" => Ok(Op::Le),
        ">" => Ok(Op::Gt),
        ">=" => Ok(Op::Ge),
        _ => Err(format!("{s:?} is not a comparison")),
    };
    match parts.as_slice() {
        [_, "rise", ">=", v] => Ok(Criterion::Rise { analyte, by: number(v)? }),
        [_, "ratio", ">=", v] => Ok(Criterion::Ratio { analyte, times: number(v)? }),
        [_, o, v] => Ok(Criterion::Value { analyte, op: op(o)?, threshold: number(v)?, room_air }),
        _ => {
            Err("expected `analyte op value`, `analyte rise >= value`, `analyte ratio >= value` or `term: ...`".into())
        }
    }
}

/// What the engine knows of the note when rules are evaluated.
pub struct NoteFacts<'a, 'd> {
    pub doc: &'a Document<'d>,
    pub context: &'a ContextMap,
    pub measurements: &'a [Measurement],
    /// Codes suggested.
    pub suggested: &'a [String],
    /// Codes documented (suggested, or set aside for a reason other than negation, a relative or a hypothetical).
    pub documented: &'a [String],
}

impl Rule {
    /// The findings that met the rule, when it fires.
    pub fn fire(&self, facts: &NoteFacts<'_, '_>, analytes: &[Analyte]) -> Option<Vec<Finding>> {
        if !self.requires.is_empty() && !facts.suggested.iter().any(|c| starts_any(c, &self.requires)) {
            return None;
        }
        if facts.documented.iter().any(|c| starts_any(c, &self.documented_by)) {
            return None;
        }
        let mut findings = Vec::new();
        let mut met = 0;
        for c in &self.criteria {
            if let Some(found) = self.check(c, facts, analytes) {
                met += 1;
                // Two criteria may cite the same value (a creatinine rise and ratio): cite it once.
                for f in found {
                    if !findings.iter().any(|g: &Finding| g.span == f.span) {
                        findings.push(f);
                    }
                }
            }
        }
        (met >= self.min).then_some(findings)
    }

    fn check(&self, c: &Criterion, facts: &NoteFacts<'_, '_>, analytes: &[Analyte]) -> Option<Vec<Finding>> {
        let of = |a: usize| facts.measurements.iter().filter(move |m| m.analyte == a);
        let cite = |m: &Measurement, note: String| Finding { text: note, span: m.span, bytes: m.bytes, evidence: None };
        match *c {
            Criterion::Value { analyte, op, threshold, room_air } => {
                let a = &analytes[analyte];
                let m = of(analyte).find(|m| (!room_air || m.room_air) && op.holds(m.value, threshold))?;
                let air = if room_air { " on room air" } else { "" };
                // A value is cited as written; a converted one also in the rule's unit ("Hemoglobin 95 (9.5 g/dL").
                let text = if m.converted {
                    format!(
                        "{} {}{air} ({} {}, {} {} {})",
                        a.label,
                        m.written,
                        fmt(m.value),
                        a.unit,
                        op.words(),
                        fmt(threshold),
                        a.unit
                    )
                } else {
                    format!("{} {} {}{air} ({} {} {})", a.label, m.written, a.unit, op.words(), fmt(threshold), a.unit)
                };
                Some(vec![cite(m, text)])
            }
            Criterion::Rise { analyte, .. } | Criterion::Ratio { analyte, .. } => {
                let holds = |e: f64, l: f64| match *c {
                    Criterion::Rise { by, .. } => l - e >= by,
                    Criterion::Ratio { times, .. } => e > 0.0 && l / e >= times,
                    _ => false,
                };
                let (early, late) = trend(of(analyte).collect(), holds)?;
                let a = &analytes[analyte];
                let change = match *c {
                    Criterion::Rise { .. } => format!("a rise of {} {}", fmt(late.value - early.value), a.unit),
                    _ => format!("{:.1} times the earlier value", late.value / early.value),
                };
                Some(vec![
                    cite(early, format!("{} {} {}", a.label, shown(early), a.unit)),
                    cite(late, format!("then {} {} ({change})", shown(late), a.unit)),
                ])
            }
            Criterion::Term { ref phrases } => {
                let doc = facts.doc;
                let n = doc.tokens().len();
                for p in phrases {
                    for i in 0..n.saturating_sub(p.len() - 1) {
                        if p.iter().enumerate().all(|(k, w)| doc.norm(i + k) == w) {
                            let a = facts.context.assertion(doc, i, i + p.len());
                            if a.negated || a.hypothetical || a.family {
                                continue;
                            }
                            let span = doc.span_of(i, i + p.len());
                            let bytes = (doc.tokens()[i].bytes.0, doc.tokens()[i + p.len() - 1].bytes.1);
                            return Some(vec![Finding {
                                text: doc.slice(i, i + p.len()).to_string(),
                                span,
                                bytes,
                                evidence: None,
                            }]);
                        }
                    }
                }
                None
            }
        }
    }
}

/// An earlier and a later value meeting `ok(earlier, later)`: baseline values count as earliest, the rest in the
/// order written. Picks the pair with the largest change.
fn trend(mut values: Vec<&Measurement>, ok: impl Fn(f64, f64) -> bool) -> Option<(&Measurement, &Measurement)> {
    values.sort_by_key(|m| (!m.baseline, m.token));
    let mut best: Option<(&Measurement, &Measurement)> = None;
    for (i, e) in values.iter().enumerate() {
        for l in &values[i + 1..] {
            if ok(e.value, l.value) && best.is_none_or(|(be, bl)| l.value - e.value > bl.value - be.value) {
                best = Some((e, l));
            }
        }
    }
    best
}

pub(super) fn starts_any(code: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|p| code.starts_with(p.as_str()))
}

/// A value as the note wrote it, or in the rule's unit when it was converted.
fn shown(m: &Measurement) -> String {
    if m.converted { fmt(m.value) } else { m.written.clone() }
}

/// A value as a clinician writes it: no trailing zeros.
fn fmt(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
