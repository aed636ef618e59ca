//! Conversions between the protobuf messages of `cac.v1` and the engine's domain types. Nothing else in the
//! service knows both.
use super::pb;
use crate::catalog::{CodeDetails, SearchResult};
use crate::note::{Note, PatientStatus, Setting};
use crate::store::{Counts, Decision, Feedback, NoteRef, Stats, StoreError};
use crate::suggestion::{CodedNote, Evidence, Excluded, Gap, Suggestion};

pub fn note_from_request(r: pb::CodeNoteRequest) -> Note {
    let setting = match pb::Setting::try_from(r.setting).unwrap_or(pb::Setting::Unspecified) {
        pb::Setting::Inpatient => Setting::Inpatient,
        pb::Setting::Emergency => Setting::Emergency,
        pb::Setting::Outpatient | pb::Setting::Unspecified => Setting::Outpatient,
    };
    let patient_status = match pb::PatientStatus::try_from(r.patient_status).unwrap_or(pb::PatientStatus::Unspecified) {
        pb::PatientStatus::New => Some(PatientStatus::New),
        pb::PatientStatus::Established => Some(PatientStatus::Established),
        pb::PatientStatus::Unspecified => None,
    };
    Note { id: r.note_id, text: r.text, setting, patient_status }
}

/// Offsets in a note are bounded by the note-size limit, far below `u32::MAX`; saturate rather than wrap.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn evidence(e: Evidence) -> pb::Evidence {
    let a = e.assertion;
    pb::Evidence {
        begin: offset(e.begin),
        end: offset(e.end),
        text: e.text,
        assertion: Some(pb::Assertion {
            negated: a.negated,
            uncertain: a.uncertain,
            hypothetical: a.hypothetical,
            historical: a.historical,
            family: a.family,
        }),
    }
}

fn suggestion(s: Suggestion) -> pb::CodeSuggestion {
    pb::CodeSuggestion {
        code: s.code,
        system: s.system,
        description: s.description,
        score: s.score,
        billable: s.billable,
        evidence: s.evidence.into_iter().map(evidence).collect(),
        sequence: s.sequence.unwrap_or(0),
        rationale: s.rationale,
        cc: s.cc,
        mcc: s.mcc,
    }
}

fn excluded(x: Excluded) -> pb::ExcludedCode {
    let s = x.suggestion;
    pb::ExcludedCode {
        code: s.code,
        system: s.system,
        description: s.description,
        score: s.score,
        billable: s.billable,
        evidence: s.evidence.into_iter().map(evidence).collect(),
        reason: x.reason,
        rationale: s.rationale,
        cc: s.cc,
        mcc: s.mcc,
    }
}

fn gap(g: Gap) -> pb::Gap {
    pb::Gap {
        kind: g.kind,
        code: g.code.unwrap_or_default(),
        title: g.title,
        message: g.message,
        evidence: g.evidence.into_iter().map(evidence).collect(),
        query: Some(pb::Query { question: g.query.question, options: g.query.options }),
        priority: g.priority,
    }
}

pub fn coded_note_response(c: CodedNote) -> pb::CodeNoteResponse {
    pb::CodeNoteResponse {
        note_id: c.id,
        codeset: c.codeset,
        model_version: c.model_version,
        codes: c.codes.into_iter().map(suggestion).collect(),
        excluded: c.excluded.into_iter().map(excluded).collect(),
        gaps: c.gaps.into_iter().map(gap).collect(),
        error: String::new(),
    }
}

pub fn lookup_response(d: CodeDetails) -> pb::LookupCodeResponse {
    pb::LookupCodeResponse {
        codeset: d.codeset,
        code: d.code,
        description: d.description,
        billable: d.billable,
        parent: d.parent.unwrap_or_default(),
        children: d.children,
        chapter: d.chapter,
        chapter_title: d.chapter_title,
        block: d.block,
        block_title: d.block_title,
        notes: d
            .notes
            .into_iter()
            .map(|n| pb::InstructionalNote { kind: n.kind.as_str().to_string(), text: n.text, source: n.source })
            .collect(),
        seven_characters: d
            .seven_characters
            .into_iter()
            .map(|(c, description)| pb::SevenCharacter { character: c.to_string(), description })
            .collect(),
    }
}

pub fn search_response(codeset: &str, hits: Vec<SearchResult>) -> pb::SearchCodesResponse {
    pb::SearchCodesResponse {
        codeset: codeset.to_string(),
        hits: hits
            .into_iter()
            .map(|h| pb::SearchHit { code: h.code, description: h.description, billable: h.billable, score: h.score })
            .collect(),
    }
}

/// A feedback request as the store takes it; a malformed decision is refused by the store with the field named.
pub fn feedback_from_request(r: pb::SubmitFeedbackRequest) -> Result<Feedback, StoreError> {
    let decision = Decision::parse(&r.decision)
        .ok_or_else(|| StoreError::Invalid("decision must be accepted, rejected, modified or added".to_string()))?;
    let note = if r.note_text.is_empty() { NoteRef::Sha256(r.note_sha256) } else { NoteRef::Text(r.note_text) };
    let non_empty = |s: String| (!s.trim().is_empty()).then_some(s);
    Ok(Feedback {
        note_id: r.note_id,
        note,
        code: r.code,
        system: if r.system.is_empty() { crate::codeset::ICD10CM.to_string() } else { r.system },
        score: Some(r.score),
        model_version: r.model_version,
        codeset: r.codeset,
        evidence: r.evidence.iter().map(|s| (s.begin, s.end)).collect(),
        decision,
        reason: non_empty(r.reason),
        new_code: non_empty(r.new_code),
        reviewer_id: r.reviewer_id,
        decided_at_ms: (r.decided_at_ms > 0).then_some(r.decided_at_ms),
    })
}

fn counts(c: &Counts) -> pb::FeedbackCounts {
    pb::FeedbackCounts {
        accepted: c.accepted,
        rejected: c.rejected,
        modified: c.modified,
        added: c.added,
        acceptance_rate: c.acceptance_rate(),
    }
}

pub fn feedback_stats_response(s: Stats) -> pb::GetFeedbackStatsResponse {
    pb::GetFeedbackStatsResponse {
        overall: Some(counts(&s.overall)),
        per_code: s
            .per_code
            .iter()
            .map(|(code, c)| pb::CodeFeedback { code: code.clone(), counts: Some(counts(c)) })
            .collect(),
        per_model: s
            .per_model
            .iter()
            .map(|(m, c)| pb::ModelFeedback { model_version: m.clone(), counts: Some(counts(c)) })
            .collect(),
    }
}
