//! Measuring cac against coded notes: micro precision, recall and F1 of predicted codes against gold codes.
//!
//! Input: predictions in the output JSON-lines contract (`cac batch`) and gold codes as tab-separated
//! `document id <TAB> code` lines (the shape of CodiEsp's `devD.tsv`, and of what a hospital can export from its
//! coding system). Output: [`Report`] at two levels: the full code, and the three-character category (which
//! credits a right condition coded at the wrong specificity).
//!
//! Codes are compared in canonical form (upper case, dot after the third character), so "i50.23", "I5023" and
//! "I50.23" are the same code. Only documents that have gold codes are scored; predictions for other documents
//! are counted and reported, not scored.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::BufRead;

use serde::Serialize;

use crate::codeset::canonical_code;

/// Precision, recall and F1 with their counts.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Scores {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Scores {
    fn from_counts(tp: usize, fp: usize, fn_: usize) -> Scores {
        let p = if tp + fp == 0 { 0.0 } else { tp as f64 / (tp + fp) as f64 };
        let r = if tp + fn_ == 0 { 0.0 } else { tp as f64 / (tp + fn_) as f64 };
        let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        Scores { true_positives: tp, false_positives: fp, false_negatives: fn_, precision: p, recall: r, f1: f }
    }
}

/// The result of an evaluation.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Report {
    pub documents: usize,
    /// Gold documents with no prediction line at all.
    pub documents_without_prediction: usize,
    /// Prediction lines for documents the gold file does not have (not scored).
    pub predictions_without_gold: usize,
    pub full_code: Scores,
    pub category: Scores,
    /// Codes most often predicted wrongly, with counts (full-code level).
    pub top_false_positives: Vec<(String, usize)>,
    /// Gold codes most often missed, with counts.
    pub top_false_negatives: Vec<(String, usize)>,
}

/// Evaluation input that cannot be read; names the file kind and line, never note text.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{what} line {line}: {reason}")]
    Line { what: &'static str, line: usize, reason: String },
    #[error("cannot read {what}: {source}")]
    Io { what: &'static str, source: std::io::Error },
}

/// Reads `document id <TAB> code` lines.
pub fn read_gold(reader: impl BufRead) -> Result<BTreeMap<String, BTreeSet<String>>, EvalError> {
    let mut gold: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| EvalError::Io { what: "gold", source })?;
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(doc), Some(code)) = (cols.next(), cols.next()) else {
            return Err(EvalError::Line { what: "gold", line: i + 1, reason: "expected `document<TAB>code`".into() });
        };
        let code = canonical_code(code).ok_or_else(|| EvalError::Line {
            what: "gold",
            line: i + 1,
            reason: "not an ICD-10-CM code".into(),
        })?;
        gold.entry(doc.trim().to_string()).or_default().insert(code);
    }
    Ok(gold)
}

/// Reads predictions: one JSON object per line with `id` and `codes[].code`; lines with an `error` count as
/// predicting nothing. Only codes of `system` ("ICD-10-CM") are read, so procedure codes in the same output do
/// not count against a diagnosis gold standard.
pub fn read_predictions(reader: impl BufRead, system: &str) -> Result<BTreeMap<String, BTreeSet<String>>, EvalError> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|source| EvalError::Io { what: "predictions", source })?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |reason: &str| EvalError::Line { what: "predictions", line: i + 1, reason: reason.into() };
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|_| bad("not valid JSON"))?;
        let id = match &v["id"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(bad("no \"id\"")),
        };
        let codes = out.entry(id).or_default();
        if let Some(list) = v["codes"].as_array() {
            for c in list {
                if c["system"].as_str().is_some_and(|s| s != system) {
                    continue;
                }
                let code = c["code"].as_str().and_then(canonical_code).ok_or_else(|| bad("a code without \"code\""))?;
                codes.insert(code);
            }
        }
    }
    Ok(out)
}

/// Is `new` (a code of `codes`) the successor of `old`, a gold code from an older release that is no longer a
/// billable code: its new "unspecified" child, or the code with placeholder X and the initial-encounter 7th
/// character?
pub fn is_successor(new: &str, old: &str, codes: &crate::codeset::CodeSet) -> bool {
    if new == old || codes.get(old).is_some_and(|c| c.billable) {
        return false;
    }
    let (n, o) = (new.replace('.', ""), old.replace('.', ""));
    if !n.starts_with(&o) || n == o {
        return false;
    }
    let Some(code) = codes.get(new) else { return false };
    let rest = &n[o.len()..];
    let seventh_only = code.extension == Some('A') && rest.trim_end_matches('A').chars().all(|c| c == 'X');
    seventh_only || code.description.to_ascii_lowercase().contains("unspecified")
}

/// How codes of older releases of ICD-10-CM map onto the current one, for gold coded in an older release:
/// [`is_successor`] (a code since subdivided or lacking its 7th character), and terms the classification moved
/// from one code to another that still exists. "Depression NOS" was an inclusion term of F32.9 until FY2022
/// created F32.A "Depression, unspecified" for it: a coder's F32.9 for depression is the engine's F32.A. The moves
/// are read from older tabular files (setup fetches FY2021): a description or inclusion term of a billable older
/// code that the current release holds at exactly one other billable code, and no longer at the old one.
///
/// Scoring ([`crosswalk`]) credits only gold codes that were valid in some older release ([`Crosswalk::was_valid`]):
/// R51 "Headache" was billable until FY2021 and R51.9 is what it became, but W19.XXX (no 7th character) or H43.1
/// (a category) never were, and a prediction is not made right by what the coder could not have meant as a code.
/// Training labels ([`Crosswalk::in_gold`]) follow the coder's intent and take both.
pub struct Crosswalk<'c> {
    codes: &'c crate::codeset::CodeSet,
    moved: HashMap<String, BTreeSet<String>>,
    /// Codes billable in an older release: the older tabular files' and the valid-code lists'.
    once_valid: HashSet<String>,
}

impl<'c> Crosswalk<'c> {
    /// The crosswalk onto `codes` from the releases in `older` (none: only [`is_successor`]).
    pub fn new(codes: &'c crate::codeset::CodeSet, older: &[crate::codeset::CodeSet]) -> Self {
        let once_valid =
            older.iter().flat_map(|r| r.codes().iter().filter(|c| c.billable).map(|c| c.code.clone())).collect();
        let mut holders: HashMap<String, Vec<&str>> = HashMap::new();
        for code in codes.codes().iter().filter(|c| c.billable) {
            for term in terms_of(code) {
                holders.entry(term).or_default().push(&code.code);
            }
        }
        let mut moved: HashMap<String, BTreeSet<String>> = HashMap::new();
        for release in older {
            for code in release.codes().iter().filter(|c| c.billable) {
                for term in terms_of(code) {
                    if let Some([new]) = holders.get(&term).map(Vec::as_slice)
                        && *new != code.code
                    {
                        moved.entry(code.code.clone()).or_default().insert((*new).to_string());
                    }
                }
            }
        }
        Crosswalk { codes, moved, once_valid }
    }

    /// Adds the codes of an older release's valid-code list (the older release's billable codes, such as CMS's
    /// `icd10cm_codes_2019.txt`) to those [`Crosswalk::was_valid`] knows.
    pub fn with_valid_codes(mut self, codes: impl IntoIterator<Item = String>) -> Self {
        self.once_valid.extend(codes);
        self
    }

    /// Was `old` a valid (billable) code in an older release this crosswalk knows of?
    pub fn was_valid(&self, old: &str) -> bool {
        self.once_valid.contains(old)
    }

    /// Is `new` (a current code) what the older code `old` became: its successor ([`is_successor`]) or the code
    /// one of its terms moved to?
    pub fn succeeds(&self, new: &str, old: &str) -> bool {
        is_successor(new, old, self.codes) || self.moved.get(old).is_some_and(|m| m.contains(new))
    }

    /// Does a coder's code set `gold` (possibly from an older release) contain `code`, directly or as an older
    /// code `code` succeeds? The label `cac features --gold` gives a candidate.
    pub fn in_gold(&self, code: &str, gold: &BTreeSet<String>) -> bool {
        gold.contains(code) || gold.iter().any(|old| self.succeeds(code, old))
    }

    /// How many older codes have a term that moved.
    pub fn moves(&self) -> usize {
        self.moved.len()
    }
}

/// A code's description and inclusion terms, lower case: what the crosswalk follows between releases.
fn terms_of(code: &crate::codeset::Code) -> impl Iterator<Item = String> + '_ {
    std::iter::once(code.description.as_str())
        .chain(code.notes_of(crate::codeset::NoteKind::InclusionTerm).map(|n| n.text.as_str()))
        .map(|t| t.trim().to_lowercase())
}

/// Maps predictions onto gold codes written in an older release of ICD-10-CM: when a prediction is what a gold
/// code that was valid in that release became ([`Crosswalk::was_valid`], [`Crosswalk::succeeds`]), the prediction is
/// scored as that gold code. Nothing else changes: every other code must match exactly.
pub fn crosswalk(
    predicted: &BTreeMap<String, BTreeSet<String>>,
    gold: &BTreeMap<String, BTreeSet<String>>,
    crosswalk: &Crosswalk<'_>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = predicted.clone();
    for (doc, g) in gold {
        let Some(p) = out.get_mut(doc) else { continue };
        for old in g {
            if p.contains(old) || !crosswalk.was_valid(old) {
                continue;
            }
            // A prediction that already matches a gold code of its own is not taken for another.
            if let Some(new) = p.iter().find(|new| !g.contains(*new) && crosswalk.succeeds(new, old)).cloned() {
                p.remove(&new);
                p.insert(old.clone());
            }
        }
    }
    out
}

/// Scores predictions against gold; `top` limits the error lists.
pub fn evaluate(
    predicted: &BTreeMap<String, BTreeSet<String>>,
    gold: &BTreeMap<String, BTreeSet<String>>,
    top: usize,
) -> Report {
    let empty = BTreeSet::new();
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let (mut ctp, mut cfp, mut cfn) = (0, 0, 0);
    let mut fps: HashMap<&str, usize> = HashMap::new();
    let mut fns: HashMap<&str, usize> = HashMap::new();
    let mut without = 0;
    for (doc, g) in gold {
        let p = predicted.get(doc).unwrap_or_else(|| {
            without += 1;
            &empty
        });
        for c in p {
            if g.contains(c) {
                tp += 1;
            } else {
                fp += 1;
                *fps.entry(c).or_insert(0) += 1;
            }
        }
        for c in g.difference(p) {
            fn_ += 1;
            *fns.entry(c).or_insert(0) += 1;
        }
        let category =
            |set: &BTreeSet<String>| -> BTreeSet<String> { set.iter().map(|c| c[..3].to_string()).collect() };
        let (pc, gc) = (category(p), category(g));
        ctp += pc.intersection(&gc).count();
        cfp += pc.difference(&gc).count();
        cfn += gc.difference(&pc).count();
    }
    let ranked = |m: HashMap<&str, usize>| -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = m.into_iter().map(|(c, n)| (c.to_string(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(top);
        v
    };
    Report {
        documents: gold.len(),
        documents_without_prediction: without,
        predictions_without_gold: predicted.keys().filter(|d| !gold.contains_key(*d)).count(),
        full_code: Scores::from_counts(tp, fp, fn_),
        category: Scores::from_counts(ctp, cfp, cfn),
        top_false_positives: ranked(fps),
        top_false_negatives: ranked(fns),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_scores_at_two_levels() {
        let gold = read_gold("d1\ti50.23\nd1\tn18.32\nd2\te11.9\n".as_bytes()).unwrap();
        let pred = read_predictions(
            concat!(
                r#"{"id": "d1", "codes": [{"code": "I50.23"}, {"code": "N18.30"}], "error": null}"#,
                "\n",
                r#"{"id": "d3", "codes": [{"code": "I10"}]}"#,
                "\n",
                r#"{"id": "d1", "codes": [{"code": "93000", "system": "CPT"}]}"#,
                "\n"
            )
            .as_bytes(),
            "ICD-10-CM",
        )
        .unwrap();
        let r = evaluate(&pred, &gold, 5);
        assert_eq!((r.full_code.true_positives, r.full_code.false_positives, r.full_code.false_negatives), (1, 1, 2));
        assert!((r.full_code.precision - 0.5).abs() < 1e-9);
        assert!((r.full_code.recall - 1.0 / 3.0).abs() < 1e-9);
        // At category level N18.30 is right (N18) and only E11 is missed.
        assert_eq!((r.category.true_positives, r.category.false_positives, r.category.false_negatives), (2, 0, 1));
        assert_eq!(r.documents_without_prediction, 1);
        assert_eq!(r.predictions_without_gold, 1);
        assert_eq!(r.top_false_positives, vec![("N18.30".to_string(), 1)]);
    }

    /// A tabular file in the CDC shape with one chapter of (code, description, inclusion terms).
    fn tabular(codes: &[(&str, &str, &[&str])]) -> crate::codeset::CodeSet {
        let diags: String = codes
            .iter()
            .map(|(code, desc, terms)| {
                let inclusion: String = terms.iter().map(|t| format!("<note>{t}</note>")).collect();
                let inclusion = if terms.is_empty() {
                    String::new()
                } else {
                    format!("<inclusionTerm>{inclusion}</inclusionTerm>")
                };
                format!("<diag><name>{code}</name><desc>{desc}</desc>{inclusion}</diag>")
            })
            .collect();
        let xml = format!(
            "<ICD10CM.tabular><version>x</version><chapter><name>5</name><desc>Mental (F01-F99)</desc>\
             <section id=\"F30-F39\"><desc>Mood (F30-F39)</desc><diag><name>F32</name><desc>Depressive episode</desc>\
             {diags}</diag></section></chapter></ICD10CM.tabular>"
        );
        crate::codeset::CodeSet::from_tabular_xml(xml.as_bytes(), "test").unwrap()
    }

    #[test]
    fn the_crosswalk_follows_terms_moved_to_another_code() {
        let older =
            tabular(&[("F32.9", "Major depressive disorder, single episode, unspecified", &["Depression NOS"])]);
        let current = tabular(&[
            ("F32.9", "Major depressive disorder, single episode, unspecified", &[]),
            ("F32.A", "Depression, unspecified", &["Depression NOS"]),
        ]);
        let with_older = Crosswalk::new(&current, std::slice::from_ref(&older));
        assert_eq!(with_older.moves(), 1);
        assert!(with_older.succeeds("F32.A", "F32.9"));
        assert!(!with_older.succeeds("F32.9", "F32.A"));
        let gold: BTreeSet<String> = ["F32.9".to_string()].into();
        assert!(with_older.in_gold("F32.A", &gold));
        // Without the older release, a code that is still valid has no successor.
        assert!(!Crosswalk::new(&current, &[]).in_gold("F32.A", &gold));
        let predicted: BTreeMap<String, BTreeSet<String>> = [("d1".to_string(), ["F32.A".to_string()].into())].into();
        let gold_docs: BTreeMap<String, BTreeSet<String>> = [("d1".to_string(), gold)].into();
        let r = evaluate(&crosswalk(&predicted, &gold_docs, &with_older), &gold_docs, 5);
        assert_eq!(r.full_code.true_positives, 1);
    }

    #[test]
    fn the_crosswalk_credits_only_gold_codes_that_were_once_valid() {
        let current = tabular(&[("F32.A", "Depression, unspecified", &[])]);
        // F32.A is the "unspecified" child of the category F32: what F32 would have become had it been a code.
        let bare = Crosswalk::new(&current, &[]);
        assert!(bare.succeeds("F32.A", "F32"));
        let gold: BTreeSet<String> = ["F32".to_string()].into();
        assert!(bare.in_gold("F32.A", &gold), "a training label follows the coder's intent");
        let predicted: BTreeMap<String, BTreeSet<String>> = [("d1".to_string(), ["F32.A".to_string()].into())].into();
        let gold_docs: BTreeMap<String, BTreeSet<String>> = [("d1".to_string(), gold)].into();
        let score = |c: &Crosswalk<'_>| evaluate(&crosswalk(&predicted, &gold_docs, c), &gold_docs, 5).full_code;
        assert_eq!(score(&bare).true_positives, 0, "a category that was never a valid code earns no credit");
        let listed = Crosswalk::new(&current, &[]).with_valid_codes(["F32".to_string()]);
        assert!(listed.was_valid("F32"));
        assert_eq!(score(&listed).true_positives, 1);
    }

    #[test]
    fn bad_lines_are_named() {
        assert!(read_gold("d1 i50.23\n".as_bytes()).unwrap_err().to_string().contains("gold line 1"));
        assert!(
            read_predictions("{\n".as_bytes(), "ICD-10-CM").unwrap_err().to_string().contains("predictions line 1")
        );
    }
}
