//! Procedure codes (CPT, HCPCS): services documented as done, and the office or emergency E/M level.
//!
//! **Services** are found by their terms ([`ProcedureMatcher`]) and coded only when the note says they were
//! done at this encounter: a procedure mentioned as planned, ordered, recommended, declined or uncertain ("will
//! obtain a chest x-ray", "colonoscopy ordered", "refused the flu shot"), done before ("colonoscopy 3 years
//! ago", anything told in the history of present illness or past history), or an earlier study whose results
//! are reviewed is reported in `excluded`, not suggested.
//!
//! **Office/outpatient E/M** (99202-99205 new, 99212-99215 established; 2021 rules as revised for 2024) is
//! chosen from the documented total time on the date of the encounter when there is one (thresholds 15/30/45/60
//! and 10/20/30/40 minutes; 99417 for each full 15 minutes beyond the top level's time), and otherwise from
//! medical decision making: two of three elements, each read from the note:
//! * problems: how many conditions are addressed, whether chronic ones are stable or worsening, and whether any
//!   threatens life or bodily function;
//! * data: tests ordered or reviewed, outside records, an independent historian, independent interpretation;
//! * risk: prescription drug management (moderate), a decision about hospitalization (high), over-the-counter
//!   treatment (low).
//!
//! A level is proposed only for a text that records a visit (documented time, a visit phrase, or two parts of a
//! visit note such as history and assessment): a one-line diagnosis or a problem list has no level. A drug
//! managed by dose ("continue lisinopril 10 mg daily") is prescription drug management even without a
//! medication list.
//!
//! The emergency department levels (99282-99285) follow medical decision making only. New versus established
//! comes from the request, else from the note ("new patient", "establish care" / "follow-up", "returns"),
//! else established, said so in the rationale. Inpatient E/M is not chosen: hospital visit codes depend on the
//! day of the stay, which a single note does not carry.
//!
//! Scores are rule-based here: there are no coded procedures to train on in the evaluation data.
use crate::codeset::ProcedureTable;
use crate::context::ContextMap;
use crate::lexicon::ProcedureMention;
use crate::note::{PatientStatus, Setting};
use crate::suggestion::{Evidence, Excluded, Suggestion, round_score};
use crate::text::{Document, SectionKind, Span};

/// Time thresholds (minutes) for levels 2-5 of new-patient office visits (99202-99205).
const NEW_MINUTES: [u32; 4] = [15, 30, 45, 60];
/// Time thresholds (minutes) for levels 2-5 of established-patient office visits (99212-99215).
const ESTABLISHED_MINUTES: [u32; 4] = [10, 20, 30, 40];
const NEW_CODES: [&str; 4] = ["99202", "99203", "99204", "99205"];
const ESTABLISHED_CODES: [&str; 4] = ["99212", "99213", "99214", "99215"];
const EMERGENCY_CODES: [&str; 4] = ["99282", "99283", "99284", "99285"];
/// 99417 applies for each full 15 minutes beyond the top level's minimum (CPT 2024).
const PROLONGED_AFTER: [u32; 2] = [75, 55];
const LEVEL_NAMES: [&str; 4] = ["straightforward", "low", "moderate", "high"];

/// Diagnosis categories that are chronic illnesses for medical decision making.
const CHRONIC: &[&str] = &[
    "E08", "E09", "E10", "E11", "E13", "I10", "I11", "I12", "I13", "I25", "I48", "I50", "J44", "J45", "N18", "E78",
    "E03", "E05", "E66", "F32", "F33", "F41", "F31", "F20", "G40", "G20", "G30", "G35", "G47", "K21", "K50", "K51",
    "M05", "M06", "M15", "M16", "M17", "M19", "M81", "I73", "N40", "D63", "B20", "K74", "C", "I27", "I42", "E28",
];
/// Diagnosis categories that threaten life or bodily function.
const SEVERE: &[&str] = &[
    "A40", "A41", "R65", "I21", "I22", "I26", "I46", "I60", "I61", "I62", "I63", "J96", "J80", "E10.1", "E11.1", "N17",
    "K92", "K35.2", "K56", "R57",
];

/// Phrases by element, matched on normalized tokens.
const WORSENING: &[&str] = &[
    "exacerbation",
    "worsening",
    "worse",
    "uncontrolled",
    "poorly controlled",
    "not at goal",
    "above goal",
    "progression",
    "progressing",
    "flare",
    "decompensated",
];
const DATA_REVIEWED: &[&str] =
    &["reviewed", "ordered", "order", "obtain", "results", "labs", "lab work", "x-ray", "imaging"];
const HISTORIAN: &[&str] = &[
    "history obtained from",
    "per her daughter",
    "per his daughter",
    "per her son",
    "per his son",
    "per his wife",
    "per her husband",
    "per mother",
    "per father",
    "independent historian",
    "accompanied by",
];
const EXTERNAL: &[&str] = &[
    "outside records",
    "records reviewed",
    "prior records",
    "outside hospital records",
    "reviewed notes from",
    "external notes",
];
const INTERPRETATION: &[&str] =
    &["my interpretation", "i personally reviewed", "independently reviewed", "independent interpretation", "my read"];
const DISCUSSION: &[&str] = &[
    "discussed with dr",
    "discussed the case with",
    "spoke with dr",
    "discussed with cardiology",
    "discussed with the specialist",
];
const PRESCRIPTION: &[&str] = &[
    "prescribed",
    "prescription",
    "start",
    "started",
    "initiate",
    "increase",
    "increased",
    "decrease",
    "decreased",
    "titrate",
    "discontinue",
    "stop",
    "switch",
    "refill",
    "continue",
];
const HOSPITALIZATION: &[&str] = &[
    "admit",
    "admitted",
    "admission",
    "hospitalization",
    "hospitalize",
    "transfer to the emergency",
    "send to the emergency",
    "sent to the ed",
    "intensive monitoring",
];
const OTC: &[&str] =
    &["over-the-counter", "over the counter", "otc", "ibuprofen", "acetaminophen", "tylenol", "advil", "motrin"];

/// Sections that tell what happened before this encounter: a service named there was not done at it.
const HISTORY_SECTIONS: &[SectionKind] = &[
    SectionKind::ChiefComplaint,
    SectionKind::HistoryOfPresentIllness,
    SectionKind::PastMedicalHistory,
    SectionKind::PastSurgicalHistory,
    SectionKind::FamilyHistory,
    SectionKind::SocialHistory,
    SectionKind::Medications,
    SectionKind::Allergies,
    SectionKind::ReviewOfSystems,
];

/// Phrases that say a service was not done.
const NOT_DONE: &[&str] = &[
    "declined",
    "declines",
    "refused",
    "refuses",
    "not done",
    "not performed",
    "deferred",
    "unable to",
    "did not",
    "was not",
    "were not",
    "no",
];

/// Dose units: a sentence that manages a drug by dose names a prescription ("continue lisinopril 10 mg daily").
const DOSE_UNITS: &[&str] = &["mg", "mcg", "g", "units", "unit", "ml", "meq"];

/// A sentence that starts, continues, changes or stops a drug given with its dose, and names no
/// over-the-counter drug: prescription drug management without a medication list.
fn dosed_drug_managed(doc: &Document<'_>) -> Option<Span> {
    doc.sentences().iter().find_map(|s| {
        let dosed = (s.first + 1..s.last).any(|i| {
            DOSE_UNITS.contains(&doc.norm(i)) && doc.norm(i - 1).chars().next().is_some_and(|c| c.is_ascii_digit())
        });
        (dosed && find_in(doc, s.first, s.last, PRESCRIPTION) && !find_in(doc, s.first, s.last, OTC))
            .then(|| doc.span_of(s.first, s.last))
    })
}

/// Does tokens `first..last` contain one of the phrases?
/// Words that make an order a repeat of a study already done.
const REPEAT: &[&str] = &["repeat", "repeated", "again", "follow-up", "serial"];

/// Words just before a study that make it an earlier one, reported rather than done ("his last hemoglobin A1c was
/// higher than 9", "the previous CT").
const EARLIER: &[&str] = &["last", "previous", "prior", "recent", "earlier"];

fn find_in(doc: &Document<'_>, first: usize, last: usize, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| {
        let words = phrase_words(p);
        (first..last).any(|i| i + words.len() <= last && words.iter().enumerate().all(|(k, w)| doc.norm(i + k) == *w))
    })
}

/// Does the note contain the phrase (normalized, word-bounded)? Returns the span of the first occurrence.
/// A phrase as the analyzer tokenizes text: words, with a hyphen as a token of its own ("follow-up").
fn phrase_words(phrase: &str) -> Vec<&str> {
    phrase
        .split(' ')
        .flat_map(|w| w.split_inclusive('-'))
        .flat_map(|w| match w.strip_suffix('-') {
            Some(word) => vec![word, "-"],
            None => vec![w],
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn find(doc: &Document<'_>, phrase: &str) -> Option<Span> {
    let words = phrase_words(phrase);
    let n = doc.tokens().len();
    (0..n)
        .find(|&i| i + words.len() <= n && words.iter().enumerate().all(|(k, w)| doc.norm(i + k) == *w))
        .map(|i| doc.span_of(i, i + words.len()))
}

fn find_any(doc: &Document<'_>, phrases: &[&str]) -> Option<Span> {
    phrases.iter().filter_map(|p| find(doc, p)).min_by_key(|s| s.begin)
}

/// Total time on the date of the encounter: "total time ... 35 minutes", "spent 45 minutes", "30 min".
fn total_time(doc: &Document<'_>) -> Option<(u32, Span)> {
    for s in doc.sentences() {
        let norms: Vec<&str> = (s.first..s.last).map(|i| doc.norm(i)).collect();
        let about_time = norms.windows(2).any(|w| w[0] == "total" && w[1] == "time") || norms.contains(&"spent");
        if !about_time {
            continue;
        }
        for k in 0..norms.len().saturating_sub(1) {
            if matches!(norms[k + 1], "minutes" | "minute" | "min" | "mins")
                && let Ok(minutes) = norms[k].parse::<u32>()
                && (5..=600).contains(&minutes)
            {
                return Some((minutes, doc.span_of(s.first + k, s.first + k + 2)));
            }
        }
    }
    None
}

fn patient_status(doc: &Document<'_>, requested: Option<PatientStatus>) -> (PatientStatus, &'static str) {
    if let Some(s) = requested {
        return (s, "as given in the request");
    }
    if find_any(
        doc,
        &["new patient", "establish care", "establishing care", "new to the practice", "first visit", "initial visit"],
    )
    .is_some()
    {
        return (PatientStatus::New, "the note describes a new patient");
    }
    if find_any(
        doc,
        &["established patient", "follow-up", "follow up", "returns", "returning", "last seen", "since i last saw"],
    )
    .is_some()
    {
        return (PatientStatus::Established, "the note describes a returning patient");
    }
    (PatientStatus::Established, "not documented; an established patient is assumed")
}

/// The medical decision making level (0-3: straightforward, low, moderate, high) and its reasoning.
fn decision_making(
    doc: &Document<'_>,
    diagnoses: &[Suggestion],
    procedures: &[ProcedureMention],
    table: &ProcedureTable,
) -> (usize, String, Vec<Span>) {
    let mut evidence = Vec::new();
    // Problems.
    let definitive: Vec<&Suggestion> = diagnoses.iter().filter(|s| !s.code.starts_with('Z')).collect();
    let chronic = definitive.iter().filter(|s| CHRONIC.iter().any(|c| s.code.starts_with(c))).count();
    let severe = definitive.iter().any(|s| SEVERE.iter().any(|c| s.code.starts_with(c)));
    let worsening = find_any(doc, WORSENING);
    let problems = if severe {
        3
    } else if (chronic >= 1 && worsening.is_some()) || chronic >= 2 {
        2
    } else if chronic == 1 || !definitive.is_empty() {
        1
    } else {
        0
    };
    if let Some(s) = worsening {
        evidence.push(s);
    }
    let problem_reason = match problems {
        3 => "a condition that threatens life or bodily function".to_string(),
        2 if worsening.is_some() && chronic >= 1 => "a chronic illness with exacerbation or progression".to_string(),
        2 => format!("{chronic} stable chronic illnesses"),
        1 if chronic == 1 => "one stable chronic illness".to_string(),
        1 => "an acute, uncomplicated problem".to_string(),
        _ => "a minor problem".to_string(),
    };
    // Data.
    let tests: std::collections::BTreeSet<usize> =
        procedures.iter().filter(|m| !table.procedures()[m.procedure].category.is_em()).map(|m| m.procedure).collect();
    let results_section =
        (0..doc.tokens().len()).any(|i| matches!(doc.section_of(i), SectionKind::Labs | SectionKind::Imaging));
    let mut items = tests.len() + usize::from(results_section && tests.is_empty());
    if find_any(doc, DATA_REVIEWED).is_some() && items == 0 {
        items = 1;
    }
    let historian = find_any(doc, HISTORIAN);
    let external = find_any(doc, EXTERNAL);
    let interpretation = find_any(doc, INTERPRETATION);
    let discussion = find_any(doc, DISCUSSION);
    items += usize::from(external.is_some());
    for s in [historian, external, interpretation, discussion].into_iter().flatten() {
        evidence.push(s);
    }
    let data = if items >= 3 && (interpretation.is_some() || discussion.is_some()) {
        3
    } else if items >= 3 || interpretation.is_some() || discussion.is_some() {
        2
    } else if items >= 2 || historian.is_some() {
        1
    } else {
        0
    };
    let data_reason = format!(
        "{items} test(s) or document(s) reviewed or ordered{}",
        if historian.is_some() { ", an independent historian" } else { "" }
    );
    // Risk.
    let hospitalization = find_any(doc, HOSPITALIZATION);
    let prescription = (0..doc.tokens().len())
        .any(|i| doc.section_of(i) == SectionKind::Medications)
        .then(|| find_any(doc, PRESCRIPTION))
        .flatten()
        .or_else(|| find_any(doc, &["prescribed", "prescription", "refill", "titrate"]))
        .or_else(|| dosed_drug_managed(doc));
    let otc = find_any(doc, OTC);
    let risk = if hospitalization.is_some() {
        3
    } else if prescription.is_some() {
        2
    } else if otc.is_some() {
        1
    } else {
        0
    };
    for s in [hospitalization, prescription].into_iter().flatten() {
        evidence.push(s);
    }
    let risk_reason = match risk {
        3 => "a decision regarding hospitalization",
        2 => "prescription drug management",
        1 => "over-the-counter treatment",
        _ => "minimal risk",
    };
    let mut levels = [problems, data, risk];
    levels.sort_unstable();
    let level = levels[1];
    let reason = format!(
        "medical decision making {} (two of three elements): problems {} ({problem_reason}), data {} ({data_reason}), risk {} ({risk_reason})",
        LEVEL_NAMES[level], LEVEL_NAMES[problems], LEVEL_NAMES[data], LEVEL_NAMES[risk]
    );
    (level, reason, evidence)
}

fn em_suggestion(
    table: &ProcedureTable,
    doc: &Document<'_>,
    code: &str,
    score: f32,
    rationale: String,
    spans: &[Span],
) -> Option<Suggestion> {
    let p = table.get(code)?;
    let mut evidence: Vec<Evidence> = Vec::new();
    for s in spans {
        if evidence.iter().any(|e| e.begin == s.begin) {
            continue;
        }
        let text: String = doc.text().chars().skip(s.begin).take(s.len()).collect();
        evidence.push(Evidence::new(*s, &text, crate::context::Assertion::default()));
    }
    Some(Suggestion {
        code: p.code.clone(),
        system: p.system.clone(),
        description: p.description.clone(),
        score: round_score(score),
        billable: true,
        evidence,
        sequence: None,
        rationale,
        cc: false,
        mcc: false,
    })
}

/// Inputs of procedure coding for one note.
pub struct ProcedureInput<'a, 'd> {
    pub table: &'a ProcedureTable,
    pub doc: &'a Document<'d>,
    pub context: &'a ContextMap,
    pub setting: Setting,
    pub patient_status: Option<PatientStatus>,
    /// The diagnoses suggested for the note.
    pub diagnoses: &'a [Suggestion],
}

/// Procedure suggestions (services done, then the E/M level) and the procedures set aside.
pub fn code(input: &ProcedureInput<'_, '_>, mentions: Vec<ProcedureMention>) -> (Vec<Suggestion>, Vec<Excluded>) {
    let (table, doc) = (input.table, input.doc);
    let mut suggested: Vec<Suggestion> = Vec::new();
    let mut excluded: Vec<Excluded> = Vec::new();
    let mut by_code: Vec<(usize, Vec<&ProcedureMention>)> = Vec::new();
    for m in &mentions {
        match by_code.iter_mut().find(|(p, _)| *p == m.procedure) {
            Some((_, list)) => list.push(m),
            None => by_code.push((m.procedure, vec![m])),
        }
    }
    for (p, list) in by_code {
        let procedure = &table.procedures()[p];
        if procedure.category.is_em() {
            continue;
        }
        let assertions: Vec<crate::context::Assertion> =
            list.iter().map(|m| input.context.assertion(doc, m.tokens.0, m.tokens.1)).collect();
        let evidence: Vec<Evidence> = list
            .iter()
            .zip(&assertions)
            .map(|(m, a)| Evidence::new(m.span, &doc.text()[m.bytes.0..m.bytes.1], *a))
            .collect();
        // A negative result is still a test done ("rapid strep negative"); only a refusal or omission in the
        // same sentence makes a negated mention a procedure not done.
        let refused = |m: &ProcedureMention| {
            let s = doc.sentence_of(m.tokens.0);
            find_in(doc, s.first, s.last, NOT_DONE)
        };
        // A study also documented as done before ("last year's echocardiogram"), or ordered at this visit
        // ("Echocardiogram ordered": one does not order the study just done, unless it is a repeat), is, under
        // Results, an earlier study reviewed: it counts toward decision making, not as a service performed
        // today. A result dated today stays a service done.
        let in_sentence = |m: &ProcedureMention, words: &[&str]| {
            let s = doc.sentence_of(m.tokens.0);
            find_in(doc, s.first, s.last, words)
        };
        let earlier =
            |m: &ProcedureMention| (m.tokens.0.saturating_sub(2)..m.tokens.0).any(|i| EARLIER.contains(&doc.norm(i)));
        let done_before = assertions.iter().any(|a| a.past)
            || list.iter().any(|m| earlier(m))
            || list.iter().zip(&assertions).any(|(m, a)| a.hypothetical && !in_sentence(m, REPEAT));
        let done = list.iter().zip(&assertions).any(|(m, a)| {
            let section = doc.section_of(m.tokens.0);
            !a.hypothetical
                && !a.uncertain
                && !a.family
                && !a.historical
                && (!a.negated || !refused(m))
                && !HISTORY_SECTIONS.contains(&section)
                && !earlier(m)
                && !(done_before
                    && matches!(section, SectionKind::Labs | SectionKind::Imaging)
                    && !in_sentence(m, &["today"]))
        });
        let s = Suggestion {
            code: procedure.code.clone(),
            system: procedure.system.clone(),
            description: procedure.description.clone(),
            score: round_score(if done { 0.8 } else { 0.3 }),
            billable: true,
            evidence,
            sequence: None,
            rationale: if done {
                "documented as performed".to_string()
            } else {
                "mentioned as planned, ordered, declined, uncertain or done before, not as performed at this encounter; procedures are coded only when done".to_string()
            },
            cc: false,
            mcc: false,
        };
        if done {
            suggested.push(s);
        } else {
            let reason = if list.iter().all(|m| refused(m)) { "negated" } else { "not_performed" };
            excluded.push(Excluded { suggestion: s, reason: reason.to_string() });
        }
    }
    if let Some(em) = evaluation_and_management(input, &mentions) {
        suggested.extend(em);
    }
    for (k, s) in suggested.iter_mut().enumerate() {
        s.sequence = Some(k as u32 + 1);
    }
    (suggested, excluded)
}

/// Phrases that say the text records a visit.
const VISIT: &[&str] = &[
    "visit",
    "seen today",
    "seen in clinic",
    "seen in the office",
    "presents",
    "presented",
    "follow-up",
    "follow up",
    "returns",
    "new patient",
    "established patient",
    "comes in",
    "here today",
    "evaluated",
];

/// Parts of a visit note, by section.
const ENCOUNTER_SECTIONS: &[SectionKind] = &[
    SectionKind::ChiefComplaint,
    SectionKind::HistoryOfPresentIllness,
    SectionKind::ReviewOfSystems,
    SectionKind::PhysicalExam,
    SectionKind::Vitals,
    SectionKind::Assessment,
    SectionKind::Plan,
    SectionKind::AssessmentAndPlan,
    SectionKind::Impression,
];

/// Does the text document an encounter (a visit that has a level), rather than a problem list, a result or a
/// one-line diagnosis? Documented time, a visit phrase, or two parts of a visit note (history, exam,
/// assessment, plan).
fn documents_encounter(doc: &Document<'_>) -> bool {
    let mut parts: Vec<SectionKind> = doc.headers().iter().map(|h| h.kind).collect();
    parts.retain(|k| ENCOUNTER_SECTIONS.contains(k));
    parts.sort_by_key(|k| k.as_str());
    parts.dedup();
    parts.len() >= 2 || total_time(doc).is_some() || find_any(doc, VISIT).is_some()
}

fn evaluation_and_management(input: &ProcedureInput<'_, '_>, mentions: &[ProcedureMention]) -> Option<Vec<Suggestion>> {
    let (table, doc) = (input.table, input.doc);
    if input.setting != Setting::Emergency && !documents_encounter(doc) {
        return None;
    }
    let (level, mdm_reason, mdm_spans) = decision_making(doc, input.diagnoses, mentions, table);
    match input.setting {
        Setting::Inpatient => None,
        Setting::Emergency => {
            let code = EMERGENCY_CODES[level];
            em_suggestion(
                table,
                doc,
                code,
                0.55,
                format!("emergency department visit level by {mdm_reason}"),
                &mdm_spans,
            )
            .map(|s| vec![s])
        }
        Setting::Outpatient => {
            let (status, status_reason) = patient_status(doc, input.patient_status);
            let (codes, minutes) = match status {
                PatientStatus::New => (NEW_CODES, NEW_MINUTES),
                PatientStatus::Established => (ESTABLISHED_CODES, ESTABLISHED_MINUTES),
            };
            let time = total_time(doc);
            let time_level = time.and_then(|(t, _)| minutes.iter().rposition(|&m| t >= m));
            let mut out = Vec::new();
            let patient = format!("{} patient ({status_reason})", status.as_str());
            match time_level {
                Some(tl) if tl >= level => {
                    let (t, span) = time.unwrap_or((0, Span::new(0, 0)));
                    let rationale = format!(
                        "office visit, {patient}: {t} minutes of total time on the date of the encounter meets the {}-minute threshold of {}; {mdm_reason}",
                        minutes[tl], codes[tl]
                    );
                    out.push(em_suggestion(table, doc, codes[tl], 0.9, rationale, &[span])?);
                    let after = PROLONGED_AFTER[usize::from(status == PatientStatus::Established)];
                    if tl == 3 && t >= after {
                        let units = 1 + (t - after) / 15;
                        let rationale = format!(
                            "prolonged service: {t} minutes is beyond the {}-minute minimum of {} by at least 15 minutes ({units} unit(s) of 99417; Medicare patients are billed with G2212 after a longer threshold)",
                            minutes[3], codes[3]
                        );
                        out.push(em_suggestion(table, doc, "99417", 0.85, rationale, &[span])?);
                    }
                }
                _ => {
                    let rationale = match time {
                        Some((t, _)) => format!(
                            "office visit, {patient}: {mdm_reason}; the documented {t} minutes support a lower level"
                        ),
                        None => format!("office visit, {patient}: no total time documented, so by {mdm_reason}"),
                    };
                    let spans: Vec<Span> = time.map(|(_, s)| s).into_iter().chain(mdm_spans).collect();
                    out.push(em_suggestion(table, doc, codes[level], 0.6, rationale, &spans)?);
                }
            }
            Some(out)
        }
    }
}
