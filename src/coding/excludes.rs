//! Excludes1: two codes that cannot be reported together ("NOT CODED HERE"). When both are suggested, the
//! better-supported one stays and the other is reported in `excluded` with reason `excludes1`, naming the note.
//!
//! Better supported means more specific first (more of the code's words documented: "chest pain" over "pain"),
//! then the higher score. The guidelines' exception for unrelated conditions (I.A.12.a: both may be coded when
//! the two conditions are unrelated) is read from the text and the codes: the pair is resolved when the two codes
//! are documented in the same sentence, where they are two readings of one condition, or when their descriptions
//! name the same condition (most of their words shared: HIV disease B20 and asymptomatic HIV infection Z21,
//! wherever each is written); documented apart and named differently (dyspnea in the history, tachypnea in the
//! exam) both stay.
use super::{Candidate, Reason};
use crate::codeset::{CodeSet, NoteKind};
use crate::lexicon::Lexicon;
use crate::text::Document;

/// Two codes whose descriptions share at least this share of the shorter one's words name the same condition.
const SAME_CONDITION: f32 = 0.6;

pub fn apply(codes: &CodeSet, lexicon: &Lexicon, doc: &Document<'_>, candidates: &mut [Candidate], scores: &[f32]) {
    let same_condition = |a: crate::codeset::CodeId, b: crate::codeset::CodeId| {
        let (wa, wb) = (lexicon.code_words(a), lexicon.code_words(b));
        let shared = wa.iter().filter(|w| wb.binary_search(w).is_ok()).count();
        let shorter = wa.len().min(wb.len());
        shorter > 0 && shared as f32 >= SAME_CONDITION * shorter as f32
    };
    let specificity = |c: &Candidate| c.mentions.iter().map(|m| m.words).max().unwrap_or(0);
    let mut order: Vec<usize> = (0..candidates.len()).filter(|&i| candidates[i].is_live()).collect();
    order.sort_by(|&a, &b| {
        specificity(&candidates[b])
            .cmp(&specificity(&candidates[a]))
            .then(scores[b].total_cmp(&scores[a]))
            .then(candidates[b].mentions.len().cmp(&candidates[a].mentions.len()))
            .then(a.cmp(&b))
    });
    let sentences =
        |c: &Candidate| -> Vec<usize> { c.mentions.iter().map(|m| doc.sentence_index(m.tokens.0)).collect() };
    let mut kept: Vec<usize> = Vec::new();
    for i in order {
        let code = codes.code(candidates[i].code).code.clone();
        let mine = sentences(&candidates[i]);
        let clash = kept.iter().find_map(|&k| {
            let together = sentences(&candidates[k]).iter().any(|s| mine.contains(s));
            if !together && !same_condition(candidates[k].code, candidates[i].code) {
                return None;
            }
            let other = codes.code(candidates[k].code).code.clone();
            let note = |a: crate::codeset::CodeId, b: &str| {
                codes
                    .notes_in_force(a)
                    .find(|(_, n)| n.kind == NoteKind::Excludes1 && n.refers_to(b))
                    .map(|(_, n)| n.text.clone())
            };
            let how = if together { "documented together" } else { "the same condition" };
            note(candidates[k].code, &code).or_else(|| note(candidates[i].code, &other)).map(|text| (other, text, how))
        });
        match clash {
            Some((other, text, how)) => candidates[i].set_aside(
                Reason::Excludes1,
                format!("Excludes1 with {other} (\"{text}\"), {how}; {other} is better supported"),
            ),
            None => kept.push(i),
        }
    }
}
