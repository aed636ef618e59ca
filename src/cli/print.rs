//! Human-readable output of the CLI: what a coder reads in a terminal.
use std::io::{self, Write};

use crate::catalog::{CodeDetails, SearchResult};
use crate::suggestion::CodedNote;

const DESCRIPTION_WIDTH: usize = 60;

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// One line per evidence span: `[begin..end] "text"`, newlines shown as spaces.
fn evidence_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn coded(out: &mut impl Write, c: &CodedNote) -> io::Result<()> {
    writeln!(out, "{} · note {} · {} code(s)", c.codeset, c.id, c.codes.len())?;
    if c.codes.is_empty() {
        writeln!(out, "  no codes suggested")?;
    } else {
        writeln!(out, "{:<9} {:>5} {:<3}  {:<DESCRIPTION_WIDTH$}  EVIDENCE", "CODE", "SCORE", "", "DESCRIPTION")?;
    }
    for s in &c.codes {
        let first = s.evidence.first().map(|e| format!("[{}..{}] \"{}\"", e.begin, e.end, evidence_text(&e.text)));
        let severity = if s.mcc {
            "MCC"
        } else if s.cc {
            "CC"
        } else {
            ""
        };
        writeln!(
            out,
            "{:<9} {:>5.2} {:<3}  {:<DESCRIPTION_WIDTH$}  {}",
            s.code,
            s.score,
            severity,
            clip(&s.description, DESCRIPTION_WIDTH),
            first.unwrap_or_default()
        )?;
        for e in s.evidence.iter().skip(1) {
            writeln!(
                out,
                "{:<9} {:>5} {:<3}  {:<DESCRIPTION_WIDTH$}  [{}..{}] \"{}\"",
                "",
                "",
                "",
                "",
                e.begin,
                e.end,
                evidence_text(&e.text)
            )?;
        }
    }
    if !c.excluded.is_empty() {
        writeln!(out, "\nNot suggested:")?;
        for x in &c.excluded {
            writeln!(
                out,
                "  {:<9} {}  ({})",
                x.suggestion.code,
                clip(&x.suggestion.description, DESCRIPTION_WIDTH),
                x.reason
            )?;
        }
    }
    if !c.gaps.is_empty() {
        writeln!(out, "\nDocumentation gaps (CDI), highest priority first:")?;
        for (k, g) in c.gaps.iter().enumerate() {
            let code = g.code.as_deref().map(|c| format!(" · {c}")).unwrap_or_default();
            writeln!(out, "  {}. [priority {}] {}{} · {}", k + 1, g.priority, g.kind, code, g.title)?;
            for e in &g.evidence {
                writeln!(out, "       evidence [{}..{}] \"{}\"", e.begin, e.end, evidence_text(&e.text))?;
            }
            writeln!(out, "       query: {}", g.query.question)?;
            for o in &g.query.options {
                writeln!(out, "         [ ] {o}")?;
            }
        }
    }
    Ok(())
}

pub fn details(out: &mut impl Write, d: &CodeDetails) -> io::Result<()> {
    writeln!(out, "{}  {}", d.code, d.description)?;
    writeln!(out, "  code set:  {}", d.codeset)?;
    writeln!(
        out,
        "  billable:  {}",
        if d.billable { "yes" } else { "no (not valid on a claim; pick a code below it)" }
    )?;
    if let Some(p) = &d.parent {
        writeln!(out, "  parent:    {p}")?;
    }
    if !d.children.is_empty() {
        let shown: Vec<&str> = d.children.iter().take(12).map(String::as_str).collect();
        let more = d.children.len().saturating_sub(shown.len());
        writeln!(
            out,
            "  children:  {}{}",
            shown.join(", "),
            if more > 0 { format!(" (+{more} more)") } else { String::new() }
        )?;
    }
    writeln!(out, "  chapter:   {} {}", d.chapter, d.chapter_title)?;
    writeln!(out, "  block:     {} {}", d.block, d.block_title)?;
    if !d.seven_characters.is_empty() {
        writeln!(out, "  7th character:")?;
        for (c, meaning) in &d.seven_characters {
            writeln!(out, "    {c}  {meaning}")?;
        }
    }
    let mut last_heading = "";
    for n in &d.notes {
        let heading = n.kind.heading();
        if heading != last_heading {
            writeln!(out, "  {heading}:")?;
            last_heading = heading;
        }
        writeln!(out, "    {}  [{}]", n.text, n.source)?;
    }
    Ok(())
}

pub fn hits(out: &mut impl Write, codeset: &str, hits: &[SearchResult]) -> io::Result<()> {
    writeln!(out, "{codeset} · {} result(s)", hits.len())?;
    for h in hits {
        writeln!(
            out,
            "{:<9} {:>5.2}  {}{}",
            h.code,
            h.score,
            h.description,
            if h.billable { "" } else { "  (not billable)" }
        )?;
    }
    Ok(())
}

pub fn report(out: &mut impl Write, r: &crate::eval::Report) -> io::Result<()> {
    writeln!(
        out,
        "documents: {} ({} without a prediction; {} predictions without gold, not scored)",
        r.documents, r.documents_without_prediction, r.predictions_without_gold
    )?;
    writeln!(
        out,
        "{:<12} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
        "level", "precision", "recall", "f1", "tp", "fp", "fn"
    )?;
    for (name, s) in [("full code", &r.full_code), ("category", &r.category)] {
        writeln!(
            out,
            "{:<12} {:>9.4} {:>9.4} {:>9.4} {:>7} {:>7} {:>7}",
            name, s.precision, s.recall, s.f1, s.true_positives, s.false_positives, s.false_negatives
        )?;
    }
    if !r.top_false_positives.is_empty() {
        let list: Vec<String> = r.top_false_positives.iter().map(|(c, n)| format!("{c} ({n})")).collect();
        writeln!(out, "most frequent false positives: {}", list.join(", "))?;
    }
    if !r.top_false_negatives.is_empty() {
        let list: Vec<String> = r.top_false_negatives.iter().map(|(c, n)| format!("{c} ({n})")).collect();
        writeln!(out, "most frequent false negatives: {}", list.join(", "))?;
    }
    Ok(())
}

pub fn feedback_stats(out: &mut impl Write, s: &crate::store::Stats) -> io::Result<()> {
    let row = |out: &mut dyn Write, name: &str, c: &crate::store::Counts| {
        writeln!(
            out,
            "{:<24} {:>8} {:>8} {:>8} {:>8} {:>10.3}",
            clip(name, 24),
            c.accepted,
            c.rejected,
            c.modified,
            c.added,
            c.acceptance_rate()
        )
    };
    writeln!(
        out,
        "{:<24} {:>8} {:>8} {:>8} {:>8} {:>10}",
        "", "accepted", "rejected", "modified", "added", "acceptance"
    )?;
    row(out, "overall", &s.overall)?;
    for (m, c) in &s.per_model {
        row(out, &format!("model {m}"), c)?;
    }
    for (code, c) in &s.per_code {
        row(out, code, c)?;
    }
    Ok(())
}
