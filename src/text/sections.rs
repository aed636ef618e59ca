//! Sections: which part of the note a token is in (history, exam, assessment, ...).
//!
//! The section changes what a mention means: "PE" in the physical exam is not a pulmonary embolism, a
//! diagnosis under "Family history" belongs to a relative, one under "Past medical history" may be resolved, and
//! coders take the principal diagnosis from the assessment. Headers are recognised at the start of a line, in
//! their usual spellings and abbreviations, when followed by a colon (or a dash) or when the line holds nothing
//! else. A phrase that merely starts a sentence ("History of diabetes.") is not a header.
use serde::Serialize;

/// The normalized kind of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Text before any recognised header, or under a header cac does not know.
    #[default]
    Unknown,
    ChiefComplaint,
    HistoryOfPresentIllness,
    PastMedicalHistory,
    PastSurgicalHistory,
    FamilyHistory,
    SocialHistory,
    Medications,
    Allergies,
    ReviewOfSystems,
    PhysicalExam,
    Vitals,
    Labs,
    Imaging,
    Assessment,
    Plan,
    AssessmentAndPlan,
    Impression,
    HospitalCourse,
    DischargeDiagnoses,
    Procedures,
    ProblemList,
}

impl SectionKind {
    pub const ALL: [SectionKind; 22] = [
        SectionKind::Unknown,
        SectionKind::ChiefComplaint,
        SectionKind::HistoryOfPresentIllness,
        SectionKind::PastMedicalHistory,
        SectionKind::PastSurgicalHistory,
        SectionKind::FamilyHistory,
        SectionKind::SocialHistory,
        SectionKind::Medications,
        SectionKind::Allergies,
        SectionKind::ReviewOfSystems,
        SectionKind::PhysicalExam,
        SectionKind::Vitals,
        SectionKind::Labs,
        SectionKind::Imaging,
        SectionKind::Assessment,
        SectionKind::Plan,
        SectionKind::AssessmentAndPlan,
        SectionKind::Impression,
        SectionKind::HospitalCourse,
        SectionKind::DischargeDiagnoses,
        SectionKind::Procedures,
        SectionKind::ProblemList,
    ];

    /// The snake_case name used in data files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Unknown => "unknown",
            SectionKind::ChiefComplaint => "chief_complaint",
            SectionKind::HistoryOfPresentIllness => "history_of_present_illness",
            SectionKind::PastMedicalHistory => "past_medical_history",
            SectionKind::PastSurgicalHistory => "past_surgical_history",
            SectionKind::FamilyHistory => "family_history",
            SectionKind::SocialHistory => "social_history",
            SectionKind::Medications => "medications",
            SectionKind::Allergies => "allergies",
            SectionKind::ReviewOfSystems => "review_of_systems",
            SectionKind::PhysicalExam => "physical_exam",
            SectionKind::Vitals => "vitals",
            SectionKind::Labs => "labs",
            SectionKind::Imaging => "imaging",
            SectionKind::Assessment => "assessment",
            SectionKind::Plan => "plan",
            SectionKind::AssessmentAndPlan => "assessment_and_plan",
            SectionKind::Impression => "impression",
            SectionKind::HospitalCourse => "hospital_course",
            SectionKind::DischargeDiagnoses => "discharge_diagnoses",
            SectionKind::Procedures => "procedures",
            SectionKind::ProblemList => "problem_list",
        }
    }

    pub fn parse(name: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Sections whose diagnoses are the provider's conclusions (where coders look first).
    pub fn is_diagnostic_statement(self) -> bool {
        matches!(
            self,
            SectionKind::Assessment
                | SectionKind::AssessmentAndPlan
                | SectionKind::Impression
                | SectionKind::DischargeDiagnoses
                | SectionKind::ProblemList
        )
    }
}

/// Header spellings, normalized (lower case, tokens separated by single spaces as the analyzer produces them).
const HEADERS: &[(SectionKind, &[&str])] = &[
    (
        SectionKind::ChiefComplaint,
        &[
            "chief complaint",
            "chief complaints",
            "cc",
            "reason for visit",
            "reason for consultation",
            "presenting complaint",
            "reason for referral",
        ],
    ),
    (
        SectionKind::HistoryOfPresentIllness,
        &[
            "history of present illness",
            "history of the present illness",
            "hpi",
            "present illness",
            "interval history",
            "subjective",
            "history",
        ],
    ),
    (
        SectionKind::PastMedicalHistory,
        &[
            "past medical history",
            "pmh",
            "pmhx",
            "medical history",
            "past history",
            "past medical and surgical history",
            "past medical / surgical history",
            "previous medical history",
            "significant past medical history",
            "personal history",
            "personal medical history",
        ],
    ),
    (
        SectionKind::PastSurgicalHistory,
        &["past surgical history", "psh", "pshx", "surgical history", "previous surgeries", "past procedures"],
    ),
    (SectionKind::FamilyHistory, &["family history", "fh", "fhx", "family medical history", "family hx"]),
    (SectionKind::SocialHistory, &["social history", "sh", "shx", "social hx", "habits"]),
    (
        SectionKind::Medications,
        &[
            "medications",
            "medication",
            "meds",
            "current medications",
            "home medications",
            "medications on admission",
            "admission medications",
            "discharge medications",
            "outpatient medications",
            "current outpatient medications",
            "medication list",
        ],
    ),
    (SectionKind::Allergies, &["allergies", "allergy", "drug allergies", "allergies and adverse reactions"]),
    (SectionKind::ReviewOfSystems, &["review of systems", "ros", "systems review"]),
    (
        SectionKind::PhysicalExam,
        &[
            "physical exam",
            "physical examination",
            "exam",
            "examination",
            "pe",
            "objective",
            "physical findings",
            "on examination",
        ],
    ),
    (SectionKind::Vitals, &["vital signs", "vitals", "vs"]),
    (
        SectionKind::Labs,
        &[
            "labs",
            "laboratory",
            "laboratory data",
            "laboratory results",
            "lab results",
            "results",
            "pertinent results",
            "data",
            "laboratory studies",
            "diagnostic data",
        ],
    ),
    (
        SectionKind::Imaging,
        &["imaging", "radiology", "imaging studies", "diagnostic studies", "studies", "radiographic studies"],
    ),
    (
        SectionKind::AssessmentAndPlan,
        &[
            "assessment and plan",
            "assessment & plan",
            "assessment / plan",
            "a / p",
            "a & p",
            "impression and plan",
            "impression / plan",
            "assessment and recommendations",
        ],
    ),
    (
        SectionKind::Assessment,
        &["assessment", "assessments", "clinical impression", "diagnosis", "diagnoses", "working diagnosis"],
    ),
    (SectionKind::Plan, &["plan", "recommendations", "recommendation", "disposition", "plan of care"]),
    (SectionKind::Impression, &["impression", "impressions"]),
    (
        SectionKind::HospitalCourse,
        &[
            "hospital course",
            "brief hospital course",
            "course in hospital",
            "ed course",
            "emergency department course",
            "clinical course",
            "course",
        ],
    ),
    (
        SectionKind::DischargeDiagnoses,
        &[
            "discharge diagnoses",
            "discharge diagnosis",
            "final diagnoses",
            "final diagnosis",
            "principal diagnosis",
            "secondary diagnoses",
            "admission diagnosis",
            "admission diagnoses",
            "admitting diagnosis",
            "postoperative diagnosis",
            "preoperative diagnosis",
        ],
    ),
    (
        SectionKind::Procedures,
        &[
            "procedures",
            "procedure",
            "procedures performed",
            "operations",
            "operative procedure",
            "procedure performed",
        ],
    ),
    (SectionKind::ProblemList, &["problem list", "active problems", "problems", "active problem list"]),
];

/// A header found in a note: its kind and the tokens it spans (the colon included when there is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub kind: SectionKind,
    pub first: usize,
    pub last: usize,
}

/// Header phrases as token sequences, longest first so "past medical history" wins over "history".
pub(crate) struct HeaderTable {
    entries: Vec<(Vec<String>, SectionKind)>,
}

impl HeaderTable {
    pub(crate) fn new() -> HeaderTable {
        let mut entries: Vec<(Vec<String>, SectionKind)> = HEADERS
            .iter()
            .flat_map(|(kind, names)| names.iter().map(move |n| (n.split(' ').map(str::to_string).collect(), *kind)))
            .collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
        HeaderTable { entries }
    }

    /// Finds a header starting at token `i`, which begins a line. `norm(j)` is token j's normalized form and
    /// `line_end(j)` whether token j is the last on its line.
    pub(crate) fn at<'s>(
        &self,
        i: usize,
        n: usize,
        norm: impl Fn(usize) -> &'s str,
        line_end: impl Fn(usize) -> bool,
    ) -> Option<Header> {
        // "HIS SOCIAL HISTORY:", "Her past medical history:".
        if i >= n {
            return None;
        }
        let start = i;
        let i = if matches!(norm(i), "his" | "her" | "their") && i + 1 < n { i + 1 } else { i };
        for (words, kind) in &self.entries {
            let end = i + words.len();
            if end > n || !words.iter().enumerate().all(|(k, w)| norm(i + k) == w) {
                continue;
            }
            let colon = end < n && matches!(norm(end), ":" | "-") && !line_end(end - 1);
            if colon || line_end(end - 1) {
                let last = if colon { end + 1 } else { end };
                return Some(Header { kind: *kind, first: start, last });
            }
        }
        None
    }
}
