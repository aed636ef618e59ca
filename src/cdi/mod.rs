//! CDI: documentation gaps a clinical documentation integrity specialist would query the provider about, each
//! with the evidence from the note and a compliant query draft.
//!
//! Input: the note (tokens, sections, assertion map) and what the coding stage decided (codes suggested and set
//! aside, with conflicts already flagged). Output: [`Gap`]s ranked for a worklist, and the CC/MCC flags of every
//! diagnosis code. Four kinds:
//! * `specificity` ([`specificity`]): a suggested unspecified code whose axis the code set can specify, with the
//!   options read from the code set itself;
//! * `clinical_indicator` ([`indicators`], rules in `models/cdi/indicators.toml`): values and findings in the
//!   note ([`values`]) that commonly support a diagnosis nobody documented (Na 128 and no hyponatremia);
//! * `conflict`: a condition affirmed and denied in one note (flagged by the coding stage, ranked here);
//! * `missing_link` ([`links`], `models/cdi/links.toml`): two conditions the classification combines only when
//!   the provider states the link (anemia and CKD, sepsis and acute organ dysfunction).
//!
//! Queries follow the AHIMA/ACDIS "Guidelines for Achieving a Compliant Query Practice": they cite the
//! indicators from the record, ask an open multiple-choice question (never yes/no), offer the clinically
//! reasonable options plus "Other (please specify)" and "Clinically undetermined", never lead to one answer, and
//! never mention payment. Priority ranks the worklist: 1 when the answer could add or change a CC or MCC (the
//! FY2026 MS-DRG tables), 2 when it would add a diagnosis or change a code, 3 for specificity that leaves the
//! severity as it is.
pub mod indicators;
pub mod links;
pub mod specificity;
pub mod values;

use crate::codeset::{CodeSet, ICD10CM, Severity, SeverityLists};
use crate::context::{Assertion, ContextMap};
use crate::error::BuildError;
use crate::suggestion::{Evidence, Excluded, Gap, Query, Suggestion};
use crate::text::{Analyzer, Document};

/// The two answers every query offers.
pub const OTHER: &str = "Other (please specify)";
pub const UNDETERMINED: &str = "Clinically undetermined";

/// The CDI rules, built once.
#[derive(Debug, Clone)]
pub struct CdiRules {
    indicators: indicators::IndicatorRules,
    links: Vec<links::Link>,
    /// The most a link's combined code weighs, per link.
    link_severity: Vec<Severity>,
    categories: specificity::Categories,
    severity: Option<SeverityLists>,
}

/// What the CDI stage reads of one coded note.
pub struct CdiInput<'a, 'd> {
    pub codes: &'a CodeSet,
    pub doc: &'a Document<'d>,
    pub context: &'a ContextMap,
    pub suggested: &'a [Suggestion],
    pub excluded: &'a [Excluded],
    /// Conflict gaps the coding stage raised.
    pub conflicts: Vec<Gap>,
}

impl CdiRules {
    /// Parses the embedded rule files against the code set.
    pub fn build(
        codes: &CodeSet,
        analyzer: &Analyzer,
        severity: Option<SeverityLists>,
    ) -> Result<CdiRules, BuildError> {
        let (file, text) = crate::models::CDI_INDICATORS;
        let indicators = indicators::IndicatorRules::parse(file, text, analyzer, codes)?;
        let (file, text) = crate::models::CDI_LINKS;
        let links = links::parse(file, text, codes)?;
        let of = |code: &str| severity.as_ref().map_or(Severity::None, |s| s.of(code));
        let link_severity = links
            .iter()
            .map(|l| {
                codes
                    .codes()
                    .iter()
                    .filter(|c| c.billable && c.code.starts_with(&l.code))
                    .map(|c| of(&c.code))
                    .max()
                    .unwrap_or(Severity::None)
            })
            .collect();
        Ok(CdiRules { indicators, links, link_severity, categories: specificity::Categories::new(codes), severity })
    }

    /// The severity of a diagnosis code; `None` without the MS-DRG tables.
    pub fn severity(&self, code: &str) -> Severity {
        self.severity.as_ref().map_or(Severity::None, |s| s.of(code))
    }

    /// Sets `cc` and `mcc` on the diagnosis codes.
    pub fn mark(&self, suggestions: &mut [Suggestion]) {
        for s in suggestions.iter_mut().filter(|s| s.system == ICD10CM) {
            let severity = self.severity(&s.code);
            s.cc = severity == Severity::Cc;
            s.mcc = severity == Severity::Mcc;
        }
    }

    /// The adult BMI the note measures, its last reading, with its evidence: what `coding::bmi` codes beside a
    /// weight diagnosis. `None` when no BMI is read, or when the note gives it as a percentile (a child's).
    pub fn bmi(&self, doc: &Document<'_>) -> Option<(f64, crate::suggestion::Evidence)> {
        let bmi = self.indicators.analytes.iter().position(|a| a.name == "bmi")?;
        let measurements = values::read(doc, &self.indicators.analytes, &self.indicators.first_words);
        let last = measurements.iter().filter(|m| m.analyte == bmi).last()?;
        let first = doc.tokens().partition_point(|t| t.bytes.0 < last.bytes.0);
        let sentence = doc.sentence_of(first.min(doc.tokens().len().saturating_sub(1)));
        let last_token = sentence.last.min(doc.tokens().len());
        if (sentence.first..last_token).any(|t| matches!(doc.norm(t), "percentile" | "percentiles")) {
            return None;
        }
        let text = &doc.text()[last.bytes.0..last.bytes.1];
        Some((last.value, crate::suggestion::Evidence::new(last.span, text, Default::default())))
    }

    /// Every gap of the note, highest priority first.
    pub fn gaps(&self, input: CdiInput<'_, '_>) -> Vec<Gap> {
        let diagnoses: Vec<&Suggestion> = input.suggested.iter().filter(|s| s.system == ICD10CM).collect();
        let suggested: Vec<String> = diagnoses.iter().map(|s| s.code.clone()).collect();
        let documented: Vec<String> = suggested
            .iter()
            .cloned()
            .chain(
                input
                    .excluded
                    .iter()
                    .filter(|e| !matches!(e.reason.as_str(), "negated" | "family" | "hypothetical"))
                    .map(|e| e.suggestion.code.clone()),
            )
            .collect();
        let mut gaps = Vec::new();
        for mut g in input.conflicts {
            g.priority = match g.code.as_deref().map(|c| self.severity(c)) {
                Some(Severity::Cc | Severity::Mcc) => 1,
                _ => 2,
            };
            gaps.push(g);
        }
        for d in &diagnoses {
            if let Some(spec) = specificity::gap(input.codes, &self.categories, self.severity.as_ref(), &d.code) {
                gaps.push(specificity_gap(d, spec));
            }
        }
        let measurements = values::read(input.doc, &self.indicators.analytes, &self.indicators.first_words);
        let facts = indicators::NoteFacts {
            doc: input.doc,
            context: input.context,
            measurements: &measurements,
            suggested: &suggested,
            documented: &documented,
        };
        for rule in &self.indicators.rules {
            if let Some(mut findings) = rule.fire(&facts, &self.indicators.analytes) {
                // The documented condition a rule requires (the infection for SIRS) is an indicator too.
                if let Some(d) = diagnoses.iter().find(|d| indicators::starts_any(&d.code, &rule.requires))
                    && let Some(e) = d.evidence.first()
                {
                    findings.push(indicators::Finding {
                        text: format!("{} documented (\"{}\")", d.description, e.text),
                        span: crate::text::Span::new(e.begin, e.end),
                        bytes: (0, 0),
                        evidence: Some(e.clone()),
                    });
                }
                let priority = if self.severity(&rule.suggests) > Severity::None { 1 } else { 2 };
                gaps.push(indicator_gap(input.doc, rule, &findings, priority));
            }
        }
        for (link, &combined) in self.links.iter().zip(&self.link_severity) {
            if let Some((first, second)) = link.applies(&suggested) {
                let priority = if combined > self.severity(first).max(self.severity(second)) { 1 } else { 2 };
                let by_code = |c: &str| diagnoses.iter().find(|d| d.code == c).copied();
                if let (Some(a), Some(b)) = (by_code(first), by_code(second)) {
                    gaps.push(link_gap(link, a, b, priority));
                }
            }
        }
        gaps.sort_by_key(|g| g.priority);
        gaps
    }
}

fn with_standard_options(mut options: Vec<String>) -> Vec<String> {
    options.retain(|o| o != OTHER && o != UNDETERMINED);
    options.push(OTHER.to_string());
    options.push(UNDETERMINED.to_string());
    options
}

/// The first evidence text of a suggestion, quoted for a query.
fn quoted(s: &Suggestion) -> String {
    s.evidence.first().map_or_else(|| s.description.clone(), |e| format!("\"{}\"", e.text))
}

fn capitalized(text: &str) -> String {
    let mut c = text.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn specificity_gap(d: &Suggestion, spec: specificity::Specificity) -> Gap {
    let condition = &spec.condition;
    Gap {
        kind: "specificity".into(),
        code: Some(d.code.clone()),
        title: format!("{} without documented {}", capitalized(condition), spec.axes),
        message: format!(
            "{} is documented as {} without its {}, so it is coded {} ({}). The classification distinguishes: {}. \
             Documenting the {} lets the code state the condition as the provider assessed it.",
            capitalized(condition),
            quoted(d),
            spec.axes,
            d.code,
            d.description,
            spec.options.join("; "),
            spec.axes
        ),
        evidence: d.evidence.clone(),
        query: Query {
            question: format!(
                "The record documents {condition} ({}). Based on your clinical judgment, please clarify the {} of \
                 the {condition}:",
                quoted(d),
                spec.axes
            ),
            options: with_standard_options(spec.options),
        },
        priority: if spec.severity_gain { 1 } else { 3 },
    }
}

fn indicator_gap(doc: &Document<'_>, rule: &indicators::Rule, findings: &[indicators::Finding], priority: u32) -> Gap {
    let cited: Vec<String> = findings.iter().map(|f| f.text.clone()).collect();
    let mut evidence: Vec<Evidence> = Vec::new();
    for f in findings {
        if !evidence.iter().any(|e| e.begin == f.span.begin && e.end == f.span.end) {
            evidence.push(match &f.evidence {
                Some(e) => e.clone(),
                None => Evidence::new(f.span, &doc.text()[f.bytes.0..f.bytes.1], Assertion::default()),
            });
        }
    }
    Gap {
        kind: "clinical_indicator".into(),
        code: None,
        title: format!("{}: no documented diagnosis", capitalized(&rule.condition)),
        message: format!(
            "The note records {}, and no diagnosis that accounts for the {} is documented. Criterion: {}.",
            cited.join(", "),
            rule.condition,
            rule.source
        ),
        evidence,
        query: Query {
            question: format!(
                "The record shows the following clinical indicators: {}. Based on your clinical judgment, please \
                 document the diagnosis, if any, that these findings represent:",
                cited.join("; ")
            ),
            options: with_standard_options(rule.options.clone()),
        },
        priority,
    }
}

fn link_gap(link: &links::Link, first: &Suggestion, second: &Suggestion, priority: u32) -> Gap {
    let mut evidence = first.evidence.clone();
    evidence.extend(second.evidence.iter().cloned());
    Gap {
        kind: "missing_link".into(),
        code: Some(first.code.clone()),
        title: format!("Relationship not documented: {} and {}", link.first_name, link.second_name),
        message: format!(
            "The note documents {} ({}) and {} ({}) without stating whether they are related; the classification \
             codes them together only when the provider documents the link. {}.",
            link.first_name, first.code, link.second_name, second.code, link.source
        ),
        evidence,
        query: Query {
            question: format!(
                "The record documents {} ({}) and {} ({}). Based on your clinical judgment, please clarify the \
                 relationship, if any, between them:",
                link.first_name,
                quoted(first),
                link.second_name,
                quoted(second)
            ),
            options: with_standard_options(vec![
                link.linked.clone(),
                format!("{} not related to {}", capitalized(&link.first_name), link.second_name),
            ]),
        },
        priority,
    }
}
