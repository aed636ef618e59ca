//! Terms from the code set, with the variants a coder reads into them.
//!
//! Tabular descriptions are written for coders, not as they appear in notes: nonessential modifiers sit in
//! parentheses ("Systolic (congestive) heart failure" is also "systolic heart failure"), square brackets hold
//! synonyms or abbreviations ("... reduced ejection fraction [HFrEF]"), and residual qualifiers ("unspecified",
//! "NOS") never appear in a note. Each published term yields the term with its modifiers kept, and with them
//! dropped.
use super::TermSource;
use crate::codeset::{Code, NoteKind};

/// Qualifiers that end a tabular term but never a clinician's sentence.
const TRAILING_QUALIFIERS: &[&str] =
    &[", unspecified", " unspecified", ", not elsewhere classified", " not elsewhere classified", " NOS", ", NOS"];

/// Most optional groups expanded one at a time; beyond this only "all kept" and "all dropped".
const MAX_SINGLE_DROPS: usize = 3;

/// The terms naming a code: its description and inclusion terms, each with its variants.
pub fn code_terms(code: &Code) -> Vec<(String, TermSource)> {
    let mut out: Vec<(String, TermSource)> = Vec::new();
    let push = |text: String, source: TermSource, out: &mut Vec<(String, TermSource)>| {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() && !out.iter().any(|(t, _)| t.eq_ignore_ascii_case(&text)) {
            out.push((text, source));
        }
    };
    let published =
        std::iter::once((code.description.as_str(), TermSource::Description, TermSource::DescriptionVariant)).chain(
            code.notes_of(NoteKind::InclusionTerm)
                .map(|n| (n.text.as_str(), TermSource::InclusionTerm, TermSource::InclusionVariant)),
        );
    for (text, exact, variant) in published {
        let (kept, variants) = variants_of(text);
        push(kept, exact, &mut out);
        for v in variants {
            push(v, variant, &mut out);
        }
    }
    out
}

/// A term with every optional group kept (brackets removed), and the variants with groups dropped and
/// trailing qualifiers removed.
pub(crate) fn variants_of(text: &str) -> (String, Vec<String>) {
    let parts = split_optional(text);
    let optional = parts.iter().filter(|p| p.optional).count();
    let render = |drop: &dyn Fn(usize) -> bool| -> String {
        let mut s = String::with_capacity(text.len());
        let mut k = 0;
        for p in &parts {
            if p.optional {
                let dropped = drop(k);
                k += 1;
                if dropped {
                    continue;
                }
            }
            s.push_str(&p.text);
            s.push(' ');
        }
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let kept = render(&|_| false);
    let mut variants = Vec::new();
    if optional > 0 {
        variants.push(render(&|_| true));
        if optional > 1 && optional <= MAX_SINGLE_DROPS {
            for i in 0..optional {
                variants.push(render(&|k| k == i));
            }
        }
    }
    let mut unqualified = Vec::new();
    for v in std::iter::once(&kept).chain(variants.iter()) {
        if let Some(stripped) = strip_trailing_qualifier(v) {
            unqualified.push(stripped);
        }
    }
    variants.extend(unqualified);
    variants.retain(|v| v != &kept && !v.is_empty());
    (kept, variants)
}

fn strip_trailing_qualifier(text: &str) -> Option<String> {
    TRAILING_QUALIFIERS.iter().find_map(|q| {
        let cut = text.len().checked_sub(q.len())?;
        (text.is_char_boundary(cut) && text[cut..].eq_ignore_ascii_case(q)).then(|| text[..cut].trim().to_string())
    })
}

struct Part {
    text: String,
    optional: bool,
}

/// Splits "Systolic (congestive) heart failure [HFrEF]" into plain text and optional groups.
fn split_optional(text: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut plain = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let close = match c {
            '(' => ')',
            '[' => ']',
            _ => {
                plain.push(c);
                continue;
            }
        };
        match text[i + 1..].find(close) {
            Some(len) => {
                if !plain.trim().is_empty() {
                    parts.push(Part { text: std::mem::take(&mut plain), optional: false });
                }
                plain.clear();
                parts.push(Part { text: text[i + 1..i + 1 + len].to_string(), optional: true });
                // Skip to after the closing bracket.
                while let Some(&(j, _)) = chars.peek() {
                    if j > i + 1 + len {
                        break;
                    }
                    chars.next();
                }
            }
            None => plain.push(c),
        }
    }
    if !plain.trim().is_empty() {
        parts.push(Part { text: plain, optional: false });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonessential_modifiers_are_kept_and_dropped() {
        let (kept, variants) = variants_of("Acute on chronic systolic (congestive) heart failure");
        assert_eq!(kept, "Acute on chronic systolic congestive heart failure");
        assert_eq!(variants, vec!["Acute on chronic systolic heart failure".to_string()]);
    }

    #[test]
    fn qualifiers_and_brackets() {
        let (kept, variants) = variants_of("Heart failure, unspecified");
        assert_eq!(kept, "Heart failure, unspecified");
        assert_eq!(variants, vec!["Heart failure".to_string()]);
        let (kept, variants) = variants_of("Heart failure with reduced ejection fraction [HFrEF]");
        assert_eq!(kept, "Heart failure with reduced ejection fraction HFrEF");
        assert_eq!(variants, vec!["Heart failure with reduced ejection fraction".to_string()]);
    }

    #[test]
    fn unbalanced_brackets_do_not_panic() {
        let (kept, _) = variants_of("Odd (term [with] ( unbalanced");
        assert!(kept.contains("unbalanced"));
        let (kept, variants) = variants_of("(a) (b) (c) (d) x");
        assert_eq!(kept, "a b c d x");
        assert_eq!(variants, vec!["x".to_string()]);
    }
}
