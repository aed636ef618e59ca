//! Sequencing: which diagnosis is principal (inpatient) or first-listed (outpatient), and the order of the rest.
//!
//! Coders take the principal diagnosis from the provider's conclusions, so codes documented in the assessment,
//! plan, impression, problem list or discharge diagnoses come first, in the order written there; then the
//! other definitive diagnoses, then signs and symptoms (chapter 18), then status and history codes (chapter 21).
//! Instructional notes then constrain the order: a code whose "code first" note names another suggested code
//! comes after it, a code whose "use additional code" note names another comes before it, a manifestation
//! ("in diseases classified elsewhere") is never first, and BMI (Z68) is never principal.
use super::Candidate;
use crate::codeset::{CodeSet, NoteKind};
use crate::text::Document;

fn tier(code: &str) -> u8 {
    match code.as_bytes()[0] {
        b'R' => 1,
        b'Z' => 2,
        _ => 0,
    }
}

/// The order of `live` candidates (indices into `candidates`), first-listed first.
pub fn order(
    codes: &CodeSet,
    doc: &Document<'_>,
    candidates: &[Candidate],
    live: &[usize],
    scores: &[f32],
) -> Vec<usize> {
    let key = |&i: &usize| {
        let c = &candidates[i];
        let code = &codes.code(c.code).code;
        let stated = c
            .mentions
            .iter()
            .filter(|m| doc.section_of(m.tokens.0).is_diagnostic_statement())
            .map(|m| m.tokens.0)
            .min();
        let first = c.mentions.iter().map(|m| m.tokens.0).min().unwrap_or(usize::MAX);
        (tier(code), stated.is_none(), stated.unwrap_or(first), std::cmp::Reverse((scores[i] * 1000.0) as i64), i)
    };
    let mut order: Vec<usize> = live.to_vec();
    order.sort_by_key(key);
    // Instructional-note constraints, applied until stable (a handful of passes at most).
    let must_precede = |a: usize, b: usize| -> bool {
        let (ca, cb) = (&codes.code(candidates[a].code), &codes.code(candidates[b].code));
        let b_says_code_first_a = codes
            .notes_in_force(candidates[b].code)
            .any(|(_, n)| n.kind == NoteKind::CodeFirst && n.refers_to(&ca.code));
        let a_says_add_b = codes
            .notes_in_force(candidates[a].code)
            .any(|(_, n)| n.kind == NoteKind::UseAdditionalCode && n.refers_to(&cb.code));
        b_says_code_first_a || a_says_add_b
    };
    for _ in 0..order.len().min(8) {
        let mut changed = false;
        for x in 0..order.len() {
            for y in x + 1..order.len() {
                if must_precede(order[y], order[x]) && !must_precede(order[x], order[y]) {
                    let moved = order.remove(y);
                    order.insert(x, moved);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Never first: manifestations and BMI.
    let never_first = |i: usize| {
        let c = codes.code(candidates[i].code);
        c.description.contains("in diseases classified elsewhere") || c.code.starts_with("Z68")
    };
    if let Some(first_ok) = order.iter().position(|&i| !never_first(i))
        && first_ok > 0
    {
        let moved = order.remove(first_ok);
        order.insert(0, moved);
    }
    order
}
