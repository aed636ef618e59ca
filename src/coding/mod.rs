//! Coding: from mentions to a claim-ready code set, as the ICD-10-CM Official Guidelines require.
//!
//! Input: the mentions the lexicon found, with their assertions, and the encounter setting. Output: every
//! [`Candidate`] (suggested or set aside, each with the rule that produced it and a readable rationale), then,
//! after scoring, the sequenced [`Suggestion`]s, the [`Excluded`] candidates with their reasons, and the
//! conflicts a coder must resolve.
//!
//! The rules run in a fixed order, each reading what the previous ones left:
//! 1. **Assertion** ([`CodingRules::propose`]): negated and hypothetical mentions are never coded; a relative's
//!    condition becomes a family-history code and a past condition a personal-history code ([`history`]);
//!    uncertain diagnoses ("probable", "rule out") are coded as established for inpatients (except HIV,
//!    influenza due to an identified virus, Zika) and not at all for outpatients and emergency visits, where the
//!    documented signs and symptoms are coded instead; a condition both affirmed and denied is kept, marked as a
//!    conflict.
//! 2. **Combinations** ([`combine`]): diabetes "with" conditions, hypertension with heart disease and CKD, COPD
//!    with a lower respiratory infection, with the "use additional code" companions kept.
//! 3. **Integral symptoms** ([`symptoms`]): signs and symptoms that are part of a coded diagnosis are set aside.
//! 4. After scoring ([`CodingRules::finalize`]): candidates under the threshold are set aside; a combination's
//!    "use additional code" companion follows it; what the tables set aside only for a code the scorer rejected
//!    is judged again; **Excludes1** pairs keep the better-supported code ([`excludes`]); conflicts lower the
//!    score, and the suggestions are **sequenced** ([`sequence`]).
//!
//! Candidates are proposed before scoring so that every rule's output is scored the same way, and the final
//! selection happens after. Nothing is dropped silently: every candidate that is not suggested is reported with
//! its reason, so a coder can see what cac read and set aside.
pub mod bmi;
mod combine;
mod excludes;
mod history;
pub mod procedures;
mod sequence;
mod symptoms;

use std::collections::HashMap;

use serde::Serialize;

use crate::codeset::{CodeId, CodeSet, ICD10CM, NoteKind};
use crate::error::BuildError;
use crate::lexicon::{Lexicon, MatchKind, Mention};
use crate::note::Setting;
use crate::suggestion::{Evidence, Excluded, Gap, Query, Suggestion, round_score};
use crate::text::{Analyzer, Document};

pub use history::HistoryIndex;

/// A conflict (the same condition affirmed and denied) keeps the code but lowers its score by this factor.
const CONFLICT_FACTOR: f32 = 0.7;

/// What produced a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The note names the code (directly, through a synonym, or with its modifiers).
    Matched,
    /// A combination code for two documented conditions.
    Combination,
    /// A relative's condition, coded as family history.
    FamilyHistory,
    /// A condition of the patient's past, coded as personal history.
    PersonalHistory,
}

impl Rule {
    pub const ALL: [Rule; 4] = [Rule::Matched, Rule::Combination, Rule::FamilyHistory, Rule::PersonalHistory];

    /// The name `cac features` and the API use ("family_history").
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Matched => "matched",
            Rule::Combination => "combination",
            Rule::FamilyHistory => "family_history",
            Rule::PersonalHistory => "personal_history",
        }
    }
}

/// Why a candidate is not suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Negated,
    Family,
    Hypothetical,
    Uncertain,
    /// A past condition, coded with its personal-history code instead.
    History,
    /// Included in a combination code.
    Combination,
    /// A sign or symptom that is part of a coded diagnosis.
    IntegralSymptom,
    /// Excludes1 with a better-supported code.
    Excludes1,
    /// A less specific reading of a condition coded more specifically elsewhere in the note.
    LessSpecific,
    /// A symptom documented only in the review of systems.
    ReviewOfSystems,
    /// Scored below the worklist threshold.
    LowScore,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Negated => "negated",
            Reason::Family => "family",
            Reason::Hypothetical => "hypothetical",
            Reason::Uncertain => "uncertain",
            Reason::History => "history",
            Reason::Combination => "combination",
            Reason::IntegralSymptom => "integral_symptom",
            Reason::Excludes1 => "excludes1",
            Reason::LessSpecific => "less_specific",
            Reason::ReviewOfSystems => "review_of_systems",
            Reason::LowScore => "low_score",
        }
    }
}

/// A code proposed for a note, with the mentions that support it and the rule that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub code: CodeId,
    /// In text order; never empty.
    pub mentions: Vec<Mention>,
    pub rule: Rule,
    /// A short sentence naming the rule, for the coder.
    pub rationale: String,
    /// Why it is not suggested, if it is not.
    pub exclusion: Option<Reason>,
    /// Affirmed in one place and denied in another.
    pub conflict: bool,
}

impl Candidate {
    pub fn new(code: CodeId, mentions: Vec<Mention>, rule: Rule, rationale: String) -> Candidate {
        Candidate { code, mentions, rule, rationale, exclusion: None, conflict: false }
    }

    /// Still to be suggested (not set aside by a rule).
    pub fn is_live(&self) -> bool {
        self.exclusion.is_none()
    }

    fn set_aside(&mut self, reason: Reason, rationale: String) {
        if self.exclusion.is_none() {
            self.exclusion = Some(reason);
            self.rationale = rationale;
        }
    }
}

/// Everything the coding stage needs to know about one note.
pub struct NoteContext<'a, 'd> {
    pub codes: &'a CodeSet,
    pub lexicon: &'a Lexicon,
    pub doc: &'a Document<'d>,
    pub setting: Setting,
}

/// The coding result of one note, before it becomes the response.
#[derive(Debug, Clone, Default)]
pub struct Coded {
    pub codes: Vec<Suggestion>,
    pub excluded: Vec<Excluded>,
    pub gaps: Vec<Gap>,
}

/// Guideline rules that can be switched off to measure what each one does (`cac batch --disable-rule`); all
/// are on in normal use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum RuleSwitch {
    /// Uncertain diagnoses not coded outside the inpatient setting.
    Uncertainty,
    /// Family- and personal-history codes for relatives' and past conditions.
    History,
    /// Combination codes.
    Combinations,
    /// Integral signs and symptoms set aside.
    IntegralSymptoms,
    /// Excludes1 pairs resolved.
    Excludes1,
    /// Less specific readings of a condition coded more specifically elsewhere set aside.
    Specificity,
    /// Symptoms documented only in the review of systems set aside.
    ReviewOfSystems,
}

/// The rule data and indexes, built once.
#[derive(Debug)]
pub struct CodingRules {
    disabled: Vec<RuleSwitch>,
    history: HistoryIndex,
    combinations: Vec<combine::CombinationRule>,
    symptoms: Vec<symptoms::IntegralSymptoms>,
    /// Codes and the less specific readings of the same condition they make redundant (a neoplasm of documented
    /// behavior and the D49 code of its site; diverticulitis and the diverticulosis it arises in): the same table
    /// shape as the integral symptoms.
    less_specific_pairs: Vec<symptoms::IntegralSymptoms>,
}

/// Uncertain diagnoses that are not coded even for inpatients (Guidelines I.C.1.a.1, I.C.1.g, I.C.10.c).
fn certainty_required(code: &str) -> bool {
    code.starts_with("B20") || code.starts_with("J09") || code.starts_with("J10") || code.starts_with("A92.5")
}

fn section_name(doc: &Document<'_>, m: &Mention) -> String {
    let kind = doc.section_of(m.tokens.0);
    if kind == crate::text::SectionKind::Unknown { "the note".to_string() } else { kind.as_str().replace('_', " ") }
}

fn how(m: &Mention) -> &'static str {
    match m.kind {
        MatchKind::Exact => "the code's description",
        MatchKind::Variant => "a variant of the code's terms",
        MatchKind::Abbreviation => "an abbreviation or synonym of the code's terms",
        MatchKind::Lexicon => "a clinical term for this code",
        MatchKind::Compositional => "the condition with its documented modifiers",
    }
}

impl CodingRules {
    pub fn build(codes: &CodeSet, lexicon: &Lexicon, analyzer: &Analyzer) -> Result<CodingRules, BuildError> {
        let (file, text) = crate::models::COMBINATIONS;
        let combinations = combine::parse_rules(file, text, codes)?;
        let (file, text) = crate::models::INTEGRAL_SYMPTOMS;
        let symptoms = symptoms::parse(file, text)?;
        let (file, text) = crate::models::LESS_SPECIFIC;
        let less_specific_pairs = symptoms::parse(file, text)?;
        Ok(CodingRules {
            disabled: Vec::new(),
            history: HistoryIndex::build(codes, lexicon, analyzer),
            combinations,
            symptoms,
            less_specific_pairs,
        })
    }

    /// Switches a rule off (for measuring its effect).
    pub fn disable(&mut self, rule: RuleSwitch) {
        self.disabled.push(rule);
    }

    fn on(&self, rule: RuleSwitch) -> bool {
        !self.disabled.contains(&rule)
    }

    /// Every candidate of a note, with the assertion, combination and symptom rules applied.
    pub fn propose(&self, cx: &NoteContext<'_, '_>, mentions: Vec<Mention>) -> Vec<Candidate> {
        let mut candidates = group(mentions);
        for c in &mut candidates {
            c.rationale = format!("documented as {} in {}", how(&c.mentions[0]), section_name(cx.doc, &c.mentions[0]));
        }
        self.assertions(cx, &mut candidates);
        if self.on(RuleSwitch::Combinations) {
            combine::apply(cx.codes, cx.lexicon, cx.doc, &self.combinations, &mut candidates);
        }
        if self.on(RuleSwitch::IntegralSymptoms) {
            symptoms::apply(cx.codes, &self.symptoms, &mut candidates, Reason::IntegralSymptom);
        }
        if self.on(RuleSwitch::ReviewOfSystems) {
            symptoms::review_of_systems_only(cx.codes, cx.doc, &mut candidates);
        }
        if self.on(RuleSwitch::Specificity) {
            symptoms::apply(cx.codes, &self.less_specific_pairs, &mut candidates, Reason::LessSpecific);
            less_specific(cx, &mut candidates);
            infection_unspecified(cx, &mut candidates);
        }
        candidates.retain(|c| cx.codes.code(c.code).billable);
        candidates
    }

    fn assertions(&self, cx: &NoteContext<'_, '_>, candidates: &mut Vec<Candidate>) {
        let codes = cx.codes;
        let mut added: Vec<Candidate> = Vec::new();
        for c in candidates.iter_mut() {
            let code = codes.code(c.code).code.clone();
            let about_family = codes.code(c.code).description.starts_with("Family history");
            let about_past = code.starts_with('Z');
            let live: Vec<&Mention> = c
                .mentions
                .iter()
                .filter(|m| !m.assertion.negated && !m.assertion.hypothetical && (!m.assertion.family || about_family))
                .collect();
            if live.is_empty() {
                let family: Vec<Mention> =
                    c.mentions.iter().filter(|m| m.assertion.family && !m.assertion.negated).cloned().collect();
                if !family.is_empty() && self.on(RuleSwitch::History) {
                    match self.history.family(codes, cx.lexicon, c.code) {
                        Some(z) => {
                            let zc = codes.code(z).code.clone();
                            added.push(Candidate::new(
                                z,
                                family,
                                Rule::FamilyHistory,
                                format!(
                                    "family history: a relative's {} is coded as {zc} (Guidelines I.C.21.c.4)",
                                    codes.code(c.code).description.to_ascii_lowercase()
                                ),
                            ));
                            c.set_aside(
                                Reason::Family,
                                format!("a relative's condition; coded as family history {zc}"),
                            );
                        }
                        None => c.set_aside(Reason::Family, "a relative's condition, not the patient's".into()),
                    }
                } else if !family.is_empty() {
                    c.set_aside(Reason::Family, "a relative's condition, not the patient's".into());
                } else if c.mentions.iter().all(|m| m.assertion.negated) {
                    c.set_aside(Reason::Negated, "documented as absent".into());
                } else {
                    c.set_aside(
                        Reason::Hypothetical,
                        "documented as a possibility in the future, not a current condition".into(),
                    );
                }
                continue;
            }
            // A reaction in the allergy list ("Dexamethasone causes palpitations") is what a drug once did, not a
            // condition of this encounter; from there only the allergy itself is coded: the status (Z88, Z91.0), an
            // allergic condition listed as such ("seasonal allergies", J30), an allergy NOS (T78).
            let allergy_status = ["Z88", "Z91.0", "J30", "T78"].iter().any(|p| code.starts_with(p));
            if !allergy_status
                && live.iter().all(|m| cx.doc.section_of(m.tokens.0) == crate::text::SectionKind::Allergies)
            {
                c.set_aside(Reason::History, "a reaction listed under allergies, not a current condition".into());
                continue;
            }
            let certain: Vec<&&Mention> = live.iter().filter(|m| !m.assertion.uncertain).collect();
            if certain.is_empty() && self.on(RuleSwitch::Uncertainty) {
                if cx.setting != Setting::Inpatient {
                    c.set_aside(
                        Reason::Uncertain,
                        format!(
                            "documented as uncertain; not coded in the {} setting, where the signs and symptoms are coded instead (Guidelines IV.H)",
                            cx.setting.as_str()
                        ),
                    );
                    continue;
                }
                if certainty_required(&code) {
                    c.set_aside(
                        Reason::Uncertain,
                        format!(
                            "documented as uncertain; {code} is coded only when confirmed (Guidelines I.C.1, I.C.10.c)"
                        ),
                    );
                    continue;
                }
                c.rationale
                    .push_str("; documented as uncertain and coded as established for an inpatient (Guidelines II.H)");
            }
            // A past condition gets its personal-history code when the classification has one for it.
            // An acute myocardial infarction is I21-I22 for four weeks from its onset and an old one (I25.2) after
            // (Guidelines I.C.9.e.1): one the note places in a calendar year ("a heart attack in 2018") is past.
            let acute_mi = code.starts_with("I21") || code.starts_with("I22");
            // Smoking listed among past conditions is current unless the note says it ended or writes its history
            // as such ("former smoker", "quit", "history of smoking"): "past medical history: hypertension,
            // cigarette smoker" and "a 15 pack-year smoker" are F17.2-, as a chronic condition in that list is.
            let smoking = code.starts_with("F17.2");
            let past = |m: &&Mention| {
                (m.assertion.past && (!smoking || smoking_ended(cx.doc, m))) || (acute_mi && m.assertion.dated)
            };
            if !about_past && self.on(RuleSwitch::History) && live.iter().all(past) {
                if let Some(z) = self.history.personal(codes, cx.lexicon, c.code) {
                    let zc = codes.code(z).code.clone();
                    let mentions: Vec<Mention> = live.iter().map(|m| (*m).clone()).collect();
                    added.push(Candidate::new(
                        z,
                        mentions,
                        Rule::PersonalHistory,
                        format!(
                            "personal history: {} documented as past, coded as {zc} (Guidelines I.C.21.c.4)",
                            codes.code(c.code).description.to_ascii_lowercase()
                        ),
                    ));
                    c.set_aside(
                        Reason::History,
                        format!("documented as a past condition; coded as personal history {zc}"),
                    );
                    continue;
                }
                c.rationale.push_str("; listed as history but the classification treats it as a current condition");
            }
            let denied = c.mentions.iter().any(|m| m.assertion.negated && !m.assertion.hypothetical);
            if denied && !certain.is_empty() {
                c.conflict = true;
            }
        }
        for a in added {
            match candidates.iter_mut().find(|c| c.code == a.code) {
                Some(existing) => {
                    existing.mentions.extend(a.mentions);
                    existing.mentions.sort_by_key(|m| m.tokens);
                    existing.mentions.dedup_by_key(|m| m.tokens);
                    if existing.exclusion.is_some() {
                        existing.exclusion = None;
                        existing.rule = a.rule;
                        existing.rationale = a.rationale;
                    }
                }
                None => candidates.push(a),
            }
        }
    }

    /// A symptom set aside as part of a diagnosis the scorer then rejects would be a symptom of nothing coded, and an
    /// injury or anemia NOS set aside for a named one the scorer rejects would leave the condition uncoded: neither
    /// would reach the coder's worklist. Candidates the tables set aside are judged again against the candidates
    /// still suggested; the ones nothing suggested explains are suggested (or, scored under the threshold, listed
    /// as such), the others set aside again, naming what explains them now. (The word-based specificity rule is
    /// not undone: an unspecified reading whose specific reading the scorer rejects adds nothing a coder needs.)
    fn rejudge_after_scoring(
        &self,
        cx: &NoteContext<'_, '_>,
        candidates: &mut [Candidate],
        scores: &[f32],
        min_score: f32,
    ) {
        // Nothing the rules saw before scoring is gone unless the threshold took something.
        if !candidates.iter().any(|c| c.exclusion == Some(Reason::LowScore)) {
            return;
        }
        let integral = self.on(RuleSwitch::IntegralSymptoms);
        let specific = self.on(RuleSwitch::Specificity);
        let again: Vec<usize> = (0..candidates.len())
            .filter(|&i| match candidates[i].exclusion {
                Some(Reason::IntegralSymptom) => integral,
                Some(Reason::LessSpecific) => {
                    specific && symptoms::sets_aside(&self.less_specific_pairs, &cx.codes.code(candidates[i].code).code)
                }
                _ => false,
            })
            .collect();
        if again.is_empty() {
            return;
        }
        for &i in &again {
            candidates[i].exclusion = None;
        }
        // In the order they ran before scoring; those still explained are set aside again, naming what explains them.
        if integral {
            symptoms::apply(cx.codes, &self.symptoms, candidates, Reason::IntegralSymptom);
        }
        if specific {
            symptoms::apply(cx.codes, &self.less_specific_pairs, candidates, Reason::LessSpecific);
            less_specific(cx, candidates);
            infection_unspecified(cx, candidates);
        }
        for &i in &again {
            let c = &mut candidates[i];
            if !c.is_live() {
                continue;
            }
            let m = &c.mentions[0];
            c.rationale = format!(
                "documented as {} in {}; the code that would have explained it scored under the threshold",
                how(m),
                section_name(cx.doc, m)
            );
            if scores[i] < min_score {
                c.set_aside(
                    Reason::LowScore,
                    format!("scored {:.2}, below the threshold of {min_score:.2}", scores[i]),
                );
            }
        }
    }

    /// The response parts for scored candidates: suggestions in sequence, the excluded with reasons, conflicts.
    pub fn finalize(
        &self,
        cx: &NoteContext<'_, '_>,
        candidates: &mut [Candidate],
        scores: &[f32],
        min_score: f32,
    ) -> Coded {
        let codes = cx.codes;
        let mut scores: Vec<f32> =
            candidates.iter().zip(scores).map(|(c, &s)| if c.conflict { s * CONFLICT_FACTOR } else { s }).collect();
        // A candidate under the threshold is not suggested, so it clashes with nothing: were Excludes1 first, a
        // more specific reading the scorer rejects would still push a suggested code out.
        for (c, &s) in candidates.iter_mut().zip(&scores) {
            if c.is_live() && s < min_score {
                c.set_aside(Reason::LowScore, format!("scored {:.2}, below the threshold of {min_score:.2}", s));
            }
        }
        if self.on(RuleSwitch::Combinations) {
            companions_follow(cx, candidates);
        }
        self.rejudge_after_scoring(cx, candidates, &scores, min_score);
        if self.on(RuleSwitch::Excludes1) {
            excludes::apply(codes, cx.lexicon, cx.doc, candidates, &scores);
        }
        for s in &mut scores {
            *s = s.clamp(0.0, 1.0);
        }
        let live: Vec<usize> = (0..candidates.len()).filter(|&i| candidates[i].is_live()).collect();
        let order = sequence::order(codes, cx.doc, candidates, &live, &scores);
        let mut out = Coded::default();
        for (k, &i) in order.iter().enumerate() {
            let mut s = suggestion(cx, &candidates[i], scores[i]);
            s.sequence = Some(k as u32 + 1);
            out.codes.push(s);
        }
        let mut set_aside: Vec<usize> = (0..candidates.len()).filter(|&i| !candidates[i].is_live()).collect();
        set_aside.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        for i in set_aside {
            let reason = candidates[i].exclusion.map_or("excluded", Reason::as_str).to_string();
            out.excluded.push(Excluded { suggestion: suggestion(cx, &candidates[i], scores[i]), reason });
        }
        for c in candidates.iter().filter(|c| c.conflict && c.is_live()) {
            out.gaps.push(conflict_gap(cx, c));
        }
        out
    }
}

fn evidence(doc: &Document<'_>, mentions: &[Mention]) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::with_capacity(mentions.len());
    for m in mentions {
        if !out.iter().any(|e| e.begin == m.span.begin && e.end == m.span.end) {
            out.push(Evidence::new(m.span, &doc.text()[m.bytes.0..m.bytes.1], m.assertion));
        }
    }
    out
}

fn suggestion(cx: &NoteContext<'_, '_>, c: &Candidate, score: f32) -> Suggestion {
    let code = cx.codes.code(c.code);
    Suggestion {
        code: code.code.clone(),
        system: ICD10CM.to_string(),
        description: code.description.clone(),
        score: round_score(score),
        billable: code.billable,
        evidence: evidence(cx.doc, &c.mentions),
        sequence: None,
        rationale: c.rationale.clone(),
        cc: false,
        mcc: false,
    }
}

/// The gap a coder sees when a condition is both affirmed and denied.
fn conflict_gap(cx: &NoteContext<'_, '_>, c: &Candidate) -> Gap {
    let code = cx.codes.code(c.code);
    let condition = code.description.to_ascii_lowercase();
    Gap {
        kind: "conflict".into(),
        code: Some(code.code.clone()),
        title: format!("Conflicting documentation: {}", code.description),
        message: format!(
            "The note documents {condition} in one place and its absence in another; the code is suggested with a \
             lowered score until the provider clarifies."
        ),
        evidence: evidence(cx.doc, &c.mentions),
        query: Query {
            question: format!(
                "The record contains conflicting documentation regarding {condition}. Based on your clinical judgment, \
                 please clarify the patient's status:"
            ),
            options: vec![
                format!("{} is present", code.description),
                format!("{} has been ruled out", code.description),
                "Other (please specify)".into(),
                "Clinically undetermined".into(),
            ],
        },
        priority: 2,
    }
}

/// Does the note say that the smoking of this mention has ended: a word of ending within a few words before it or in
/// it ("former", "ex-", "quit", "stopped", "previous"), or "history of" right before it, or "history" in it?
fn smoking_ended(doc: &crate::text::Document<'_>, m: &Mention) -> bool {
    const ENDED: &[&str] =
        &["former", "ex", "exsmoker", "quit", "quitted", "stopped", "previous", "previously", "past", "gave"];
    let (first, last) = m.tokens;
    let sentence = doc.sentence_of(first);
    let from = first.saturating_sub(4).max(sentence.first);
    (from..last).any(|i| ENDED.contains(&doc.norm(i)) || (i >= first && doc.norm(i) == "history"))
        || (first >= 2 && doc.norm(first - 1) == "of" && doc.norm(first - 2) == "history")
}

/// A code that a suggested combination's "use additional code" note asks for, documented in the combination's own
/// evidence (L97.519 beside E11.621 for "right foot diabetic ulcer"), belongs on the claim with it: the
/// classification requires the pair, so the companion is suggested even when scored under the threshold, and a
/// coder never sees the combination without the code that completes it.
fn companions_follow(cx: &NoteContext<'_, '_>, candidates: &mut [Candidate]) {
    let mut follow: Vec<(usize, String)> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        if c.exclusion != Some(Reason::LowScore) {
            continue;
        }
        let code = &cx.codes.code(c.code).code;
        let by = candidates.iter().find(|k| {
            k.is_live()
                && k.rule == Rule::Combination
                && combine::asks_for(cx.codes, k.code, code)
                && c.mentions.iter().any(|m| k.mentions.iter().any(|n| n.tokens == m.tokens))
        });
        if let Some(k) = by {
            follow.push((i, cx.codes.code(k.code).code.clone()));
        }
    }
    for (i, combination) in follow {
        let c = &mut candidates[i];
        c.exclusion = None;
        c.rationale = format!(
            "{} added as instructed by 'use additional code' at {combination}, which is suggested",
            cx.codes.code(c.code).code
        );
    }
}

/// Codes to the highest degree of specificity documented (Guidelines I.B.2): an unspecified code whose terms are
/// all part of a more specific code suggested for the same note ("the carcinoma" after "renal cell carcinoma",
/// "pneumonia" beside "pneumococcal pneumonia", "pain" beside "abdominal pain") names the same condition less
/// precisely and is set aside.
fn less_specific(cx: &NoteContext<'_, '_>, candidates: &mut [Candidate]) {
    let live: Vec<usize> = (0..candidates.len()).filter(|&i| candidates[i].is_live()).collect();
    // A 7th-character code names what its base code names: its terms are the base code's ("fracture NOS" for
    // T14.8XXA, "displaced fracture of distal phalanx of right middle finger" for S62.632A).
    let sets = |id: CodeId| -> Vec<&[u32]> {
        let base = cx.codes.code(id).extension.and(cx.codes.code(id).parent);
        std::iter::once(id)
            .chain(base)
            .flat_map(|c| std::iter::once(cx.lexicon.code_words(c)).chain(cx.lexicon.term_word_sets(c)))
            .filter(|s| !s.is_empty())
            .collect()
    };
    // What a general code may be a reading of: a live code, or a symptom set aside as part of a coded diagnosis
    // ("pain" beside "back pain" that a disc disorder with radiculopathy includes is that diagnosis's pain too).
    let pool: Vec<usize> = (0..candidates.len())
        .filter(|&i| candidates[i].is_live() || candidates[i].exclusion == Some(Reason::IntegralSymptom))
        .collect();
    let mut aside: Vec<(usize, String)> = Vec::new();
    // A code already set aside here explains nothing: two readings never set each other aside.
    let mut gone: Vec<usize> = Vec::new();
    for &a in &live {
        let code = cx.codes.code(candidates[a].code);
        let general = code.description.to_ascii_lowercase().contains("unspecified") || code.code.starts_with('R');
        if !general {
            continue;
        }
        let mine = sets(candidates[a].code);
        let by = pool.iter().copied().find(|&b| {
            let other = cx.codes.code(candidates[b].code);
            // The same condition: the same block of categories, two symptom codes, or an unspecified-site malignancy
            // beside a primary site; never a pair the classification asks to report together.
            let lower = code.description.to_ascii_lowercase();
            let same_kind = other.block == code.block
                || (code.code.starts_with('R') && other.code.starts_with('R'))
                || (code.code == "C80.1" && other.code.as_str() < "C76")
                // A symptom or injury of unspecified site beside one at a named site of the same chapter.
                || ((lower.contains("unspecified body region") || lower.contains("unspecified site") || code.code == "R52")
                    && other.chapter == code.chapter)
                || (code.code == "R52" && !other.code.starts_with('Z'));
            let paired =
                cx.codes.notes_in_force(candidates[b].code).chain(cx.codes.notes_in_force(candidates[a].code)).any(
                    |(_, n)| {
                        matches!(n.kind, NoteKind::CodeFirst | NoteKind::UseAdditionalCode | NoteKind::CodeAlso)
                            && (n.refers_to(&code.code) || n.refers_to(&other.code))
                    },
                );
            // Or the same words read twice: the more specific code of the same category was read from words that
            // all lie inside the general reading's ("Type 2 diabetes with diabetic peripheral neuropathy" is
            // E11.42 from "diabetic peripheral neuropathy", not also E11.40 "... neuropathy, unspecified").
            let within = || {
                other.code.get(..3) == code.code.get(..3)
                    && lower.contains("unspecified")
                    && !other.description.to_ascii_lowercase().contains("unspecified")
                    && candidates[b].mentions.iter().all(|mb| {
                        candidates[a].mentions.iter().any(|ma| ma.tokens.0 <= mb.tokens.0 && mb.tokens.1 <= ma.tokens.1)
                    })
            };
            b != a
                && !gone.contains(&b)
                && same_kind
                && !paired
                && (sets(candidates[b].code).iter().any(|theirs| {
                    mine.iter().any(|m| m.len() < theirs.len() && m.iter().all(|w| theirs.binary_search(w).is_ok()))
                }) || (candidates[b].is_live() && within()))
        });
        if let Some(b) = by {
            let better = cx.codes.code(candidates[b].code).code.clone();
            let why = if candidates[b].is_live() {
                format!("a less specific reading of a condition coded as {better}")
            } else {
                format!("a less specific reading of {better}, itself part of a coded diagnosis")
            };
            aside.push((a, why));
            gone.push(a);
        }
    }
    for (a, why) in aside {
        candidates[a].set_aside(Reason::LessSpecific, why);
    }
}

/// Infection with nothing more said (B99.9, and viral B34.9 or bacterial A49.9 unspecified) beside a named infection
/// in the same sentence is that infection's word, not a second one: "influenza A (H1N1) infection", "Anisakis
/// infection with ..." (Index: Infection NOS B99.9 only when no site or organism is documented).
fn infection_unspecified(cx: &NoteContext<'_, '_>, candidates: &mut [Candidate]) {
    const UNSPECIFIED: &[&str] = &["B99.9", "B34.9", "A49.9"];
    let sentences =
        |c: &Candidate| -> Vec<usize> { c.mentions.iter().map(|m| cx.doc.sentence_index(m.tokens.0)).collect() };
    let infection = |code: &crate::codeset::Code| {
        let c = code.code.as_str();
        (c < "C00" && !UNSPECIFIED.contains(&c))
            || ("J09".."J19").contains(&c)
            || code.description.to_ascii_lowercase().contains("infection")
    };
    let mut aside: Vec<(usize, String)> = Vec::new();
    for (a, c) in candidates.iter().enumerate() {
        if !c.is_live() || !UNSPECIFIED.contains(&cx.codes.code(c.code).code.as_str()) {
            continue;
        }
        let mine = sentences(c);
        let by = candidates.iter().find(|o| {
            o.is_live()
                && o.code != c.code
                && infection(cx.codes.code(o.code))
                && sentences(o).iter().any(|s| mine.contains(s))
        });
        if let Some(o) = by {
            aside.push((a, cx.codes.code(o.code).code.clone()));
        }
    }
    for (a, better) in aside {
        candidates[a].set_aside(
            Reason::LessSpecific,
            format!("an infection with nothing more said, beside {better} in the same sentence: the same infection"),
        );
    }
}

/// Groups mentions by code, in order of each code's first mention.
pub fn group(mentions: Vec<Mention>) -> Vec<Candidate> {
    let mut order: Vec<Candidate> = Vec::new();
    let mut index: HashMap<CodeId, usize> = HashMap::new();
    for m in mentions {
        match index.get(&m.code) {
            Some(&i) => order[i].mentions.push(m),
            None => {
                index.insert(m.code, order.len());
                order.push(Candidate::new(m.code, vec![m], Rule::Matched, String::new()));
            }
        }
    }
    order
}

#[cfg(test)]
mod rule_name_tests {
    use super::Rule;

    /// `training/train.py --rule-scored` matches the names `cac features` serializes.
    #[test]
    fn rule_names_are_the_serialized_ones() {
        for rule in Rule::ALL {
            assert_eq!(serde_json::to_string(&rule).unwrap(), format!("\"{}\"", rule.as_str()));
        }
    }
}
